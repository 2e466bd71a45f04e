package dev.duplex.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * An in-memory {@link WireSocket}: what the peer sent waits in {@link #feed}'s buffer until read,
 * what the connection writes is kept for {@link #takeWritten}, and how much one write may take is
 * set by {@link #accept} (the socket's send buffer filling up: partial writes). Readiness is what
 * a selector would report for the interest set ({@link #readyOps}). Test thread only.
 */
final class MemorySocket implements WireSocket {

    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private ByteBuffer inbound = ByteBuffer.allocate(0);
    private boolean eof;
    private long writeBudget = Long.MAX_VALUE;
    private int interestOps = SelectionKey.OP_READ;
    private boolean open = true;
    private int writeCalls;
    private IOException readFailure;

    /** The peer sends {@code bytes}. */
    void feed(byte[] bytes) {
        ByteBuffer b = ByteBuffer.allocate(inbound.remaining() + bytes.length);
        b.put(inbound).put(bytes).flip();
        inbound = b;
    }

    /** The peer shuts its output down: reads return -1 once what was fed is read. */
    void feedEof() {
        eof = true;
    }

    /** The next read fails with {@code e} (a reset connection). */
    void failReads(IOException e) {
        readFailure = e;
    }

    /** From now on the socket takes at most {@code bytes} more until told otherwise (Long.MAX_VALUE: all). */
    void accept(long bytes) {
        writeBudget = bytes;
    }

    /** What the connection wrote since the last call. */
    byte[] takeWritten() {
        byte[] b = written.toByteArray();
        written.reset();
        return b;
    }

    /** What a selector would report now: the interest set met by bytes to read (or EOF) and room to write. */
    int readyOps() {
        if (!open) {
            return 0;
        }
        int ready = 0;
        if ((interestOps & SelectionKey.OP_READ) != 0 && (inbound.hasRemaining() || eof || readFailure != null)) {
            ready |= SelectionKey.OP_READ;
        }
        if ((interestOps & SelectionKey.OP_WRITE) != 0 && writeBudget > 0) {
            ready |= SelectionKey.OP_WRITE;
        }
        return ready;
    }

    boolean readInterest() {
        return (interestOps & SelectionKey.OP_READ) != 0;
    }

    boolean writeInterest() {
        return (interestOps & SelectionKey.OP_WRITE) != 0;
    }

    int writeCalls() {
        return writeCalls;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkOpen();
        if (readFailure != null) {
            throw readFailure;
        }
        if (!inbound.hasRemaining()) {
            return eof ? -1 : 0;
        }
        int n = Math.min(dst.remaining(), inbound.remaining());
        dst.put(inbound.slice(inbound.position(), n));
        inbound.position(inbound.position() + n);
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkOpen();
        writeCalls++;
        return take(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        checkOpen();
        writeCalls++;
        long n = 0;
        for (int i = offset; i < offset + length && writeBudget > 0; i++) {
            n += take(srcs[i]);
        }
        return n;
    }

    private int take(ByteBuffer src) {
        int n = (int) Math.min(src.remaining(), writeBudget);
        byte[] b = new byte[n];
        src.get(b);
        written.write(b, 0, n);
        if (writeBudget != Long.MAX_VALUE) {
            writeBudget -= n;
        }
        return n;
    }

    private void checkOpen() throws IOException {
        if (!open) {
            throw new IOException("socket closed");
        }
    }

    @Override
    public boolean isConnected() {
        return open;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public int interestOps() {
        return open ? interestOps : 0;
    }

    @Override
    public void interestOps(int ops) {
        if (open) {
            interestOps = ops;
        }
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    }

    @Override
    public InetSocketAddress localAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
    }

    @Override
    public void close() {
        open = false;
    }
}
