package dev.duplex.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A connection's outbound buffers, in order, written with gathering writes so many small frames
 * leave in one system call. Each buffer may carry a credit (application payload bytes it completes,
 * for {@code bufferedAmount}), released when the buffer has been fully written.
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class WriteQueue {

    /** Most buffers handed to one gathering write (the OS takes at most IOV_MAX, usually 1024). */
    private static final int BATCH = 64;

    private ByteBuffer[] buffers = new ByteBuffer[16];
    private long[] credits = new long[16];
    private int head;
    private int size;
    private long bytes;
    private ByteBuffer[] scratch;
    /** The scratch buffer whose limit {@link #capWrite} lowered for one write, or -1, and its limit. */
    private int cappedIndex = -1;
    private int cappedLimit;

    /** Most bytes handed to one socket write; see {@link #capWrite}. */
    private static final int MAX_WRITE = 512 * 1024;

    void add(ByteBuffer buffer, long credit) {
        if (size == buffers.length) {
            grow();
        }
        int i = (head + size) & (buffers.length - 1);
        buffers[i] = buffer;
        credits[i] = credit;
        size++;
        bytes += buffer.remaining();
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Bytes queued and not yet written. */
    long bytes() {
        return bytes;
    }

    /**
     * Writes as much as the channel takes.
     *
     * @return the credits of the buffers that were completed
     */
    long writeTo(GatheringByteChannel channel) throws IOException {
        long released = 0;
        while (size > 0) {
            int filled = fillScratch();
            int n = capWrite(filled);
            long before = remaining(n);
            long w;
            try {
                w = n == 1 ? channel.write(scratch[0]) : channel.write(scratch, 0, n);
            } finally {
                restoreLimit();
            }
            bytes -= w;
            released += removeCompleted();
            clearScratch(filled);
            if (w < before) {
                break; // the socket's send buffer is full
            }
        }
        return released;
    }

    /**
     * Encrypts queued buffers into the session's network buffer, up to about {@code maxNetBytes}.
     *
     * @return the credits of the buffers that were completed
     */
    long wrapTo(TlsSession tls, int maxNetBytes) throws IOException {
        long released = 0;
        while (size > 0 && tls.pendingNetBytes() < maxNetBytes) {
            int n = fillScratch();
            long consumed = tls.wrap(scratch, 0, n);
            bytes -= consumed;
            released += removeCompleted();
            clearScratch(n);
            if (consumed == 0) {
                break;
            }
        }
        return released;
    }

    /** Drops everything; returns the credits of the dropped buffers. */
    long clear() {
        long released = 0;
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (buffers.length - 1);
            released += credits[i];
            buffers[i] = null;
        }
        head = 0;
        size = 0;
        bytes = 0;
        return released;
    }

    private int fillScratch() {
        if (scratch == null) {
            scratch = new ByteBuffer[BATCH];
        }
        int n = Math.min(size, BATCH);
        for (int k = 0; k < n; k++) {
            scratch[k] = buffers[(head + k) & (buffers.length - 1)];
        }
        return n;
    }

    /**
     * Limits one write to about {@link #MAX_WRITE} bytes. The JDK copies every heap buffer handed to
     * a socket write into a temporary direct buffer, whole, however little the socket then takes: a
     * 16 MiB message written into a 2 MiB socket buffer would be copied again on every partial
     * write. The socket cannot take more than its send buffer anyway.
     *
     * @return how many of the {@code n} scratch buffers to write
     */
    private int capWrite(int n) {
        long total = 0;
        for (int k = 0; k < n; k++) {
            ByteBuffer b = scratch[k];
            long left = MAX_WRITE - total;
            if (left <= 0) {
                return k;
            }
            if (b.remaining() > left) {
                cappedIndex = k;
                cappedLimit = b.limit();
                b.limit(b.position() + (int) left);
                return k + 1;
            }
            total += b.remaining();
        }
        return n;
    }

    private void restoreLimit() {
        if (cappedIndex >= 0) {
            scratch[cappedIndex].limit(cappedLimit);
            cappedIndex = -1;
        }
    }

    private void clearScratch(int n) {
        for (int k = 0; k < n; k++) {
            scratch[k] = null;
        }
    }

    private long remaining(int n) {
        long r = 0;
        for (int k = 0; k < n; k++) {
            r += scratch[k].remaining();
        }
        return r;
    }

    private long removeCompleted() {
        long released = 0;
        while (size > 0 && !buffers[head].hasRemaining()) {
            released += credits[head];
            buffers[head] = null;
            credits[head] = 0;
            head = (head + 1) & (buffers.length - 1);
            size--;
        }
        if (size == 0) {
            head = 0;
        }
        return released;
    }

    private void grow() {
        int cap = buffers.length * 2;
        ByteBuffer[] nb = new ByteBuffer[cap];
        long[] nc = new long[cap];
        for (int k = 0; k < size; k++) {
            int i = (head + k) & (buffers.length - 1);
            nb[k] = buffers[i];
            nc[k] = credits[i];
        }
        buffers = nb;
        credits = nc;
        head = 0;
    }
}
