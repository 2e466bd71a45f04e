package dev.duplex.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;

/**
 * What a {@link Wire} needs from its socket: non-blocking reads and (gathering) writes, whether it
 * is connected, its addresses, the readiness it asks to be told about ({@link #interestOps}, in
 * {@link java.nio.channels.SelectionKey} bits), and closing it. {@link NioSocket} is the socket of
 * production; tests put an in-memory one under a connection to drive it without a network.
 * Loop thread only.
 */
interface WireSocket extends ByteChannel, GatheringByteChannel {

    /** Reads what is there: bytes read, 0 for none now, -1 at the peer's EOF. */
    @Override
    int read(ByteBuffer dst) throws IOException;

    @Override
    default long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /** Whether it can take writes (connected and not closed). */
    boolean isConnected();

    /** The readiness the connection wants to hear about; 0 once closed. */
    int interestOps();

    /** Asks for {@code ops}; ignored once closed. Called only on a change. */
    void interestOps(int ops);

    InetSocketAddress remoteAddress() throws IOException;

    InetSocketAddress localAddress() throws IOException;

    /** Stops readiness reports and closes the socket, quietly. */
    @Override
    void close();
}
