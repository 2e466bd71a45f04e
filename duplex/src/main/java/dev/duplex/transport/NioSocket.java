package dev.duplex.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * A {@link WireSocket} over a non-blocking {@link SocketChannel} registered with its loop's
 * selector. It holds only the key (the channel is the key's), so it costs a connection one small
 * object. Loop thread only.
 */
final class NioSocket implements WireSocket {

    private final SelectionKey key;

    NioSocket(SelectionKey key) {
        this.key = key;
    }

    private SocketChannel channel() {
        return (SocketChannel) key.channel();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel().read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel().write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel().write(srcs, offset, length);
    }

    @Override
    public boolean isConnected() {
        return channel().isConnected();
    }

    @Override
    public boolean isOpen() {
        return channel().isOpen();
    }

    /**
     * The key is the only copy of the interest set (a server keeps one connection per idle socket:
     * no field for what the key already holds); reading it is a plain field read.
     */
    @Override
    public int interestOps() {
        return key.isValid() ? key.interestOps() : 0;
    }

    /** Setting it queues a selector update, hence only on a change (see {@link Wire}). */
    @Override
    public void interestOps(int ops) {
        if (key.isValid()) {
            key.interestOps(ops);
        }
    }

    @Override
    public InetSocketAddress remoteAddress() throws IOException {
        return (InetSocketAddress) channel().getRemoteAddress();
    }

    @Override
    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel().getLocalAddress();
    }

    @Override
    public void close() {
        key.cancel();
        try {
            channel().close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
