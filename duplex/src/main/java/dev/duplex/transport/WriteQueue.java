package dev.duplex.transport;

import dev.duplex.protocol.BufferPool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.util.Arrays;

/**
 * A connection's outbound buffers, in order, written with gathering writes so many small frames
 * leave in one system call. Each buffer may carry a credit (application payload bytes it completes,
 * for {@code bufferedAmount}), released when the buffer has been fully written.
 *
 * <p>Memory: a server holds one queue per open connection, most of them idle and empty, so the
 * arrays are created on the first {@link #add} and start at {@value #FIRST_CAPACITY} slots. The
 * queued buffers sit in one run {@code [head, head + size)} of the array, which is handed to the
 * gathering write as it is (no copy into a second array); the run slides back to the start when it
 * reaches the end with the front half free, else the arrays double.
 *
 * <p>Buffers leave the queue once written whole (or dropped): each is then given back to the loop's
 * {@link BufferPool} when one is passed (the pool takes back only its own), so frames and windows
 * the connection took from it are reused; the queue keeps no pool of its own.
 *
 * <p>Not thread-safe: confined to the connection's event loop.
 */
final class WriteQueue {

    /** Most buffers handed to one gathering write (the OS takes at most IOV_MAX, usually 1024). */
    private static final int BATCH = 64;
    /** Slots of the arrays created by the first {@link #add}. */
    static final int FIRST_CAPACITY = 4;
    private static final ByteBuffer[] NO_BUFFERS = {};
    private static final long[] NO_CREDITS = {};

    private ByteBuffer[] buffers = NO_BUFFERS;
    private long[] credits = NO_CREDITS;
    private int head;
    private int size;
    private long bytes;
    /**
     * The limit of the buffer whose limit {@link #capWrite} lowered for one write (always the last
     * of that write), or -1.
     */
    private int cappedLimit = -1;

    /** Most bytes handed to one socket write; see {@link #capWrite}. */
    private static final int MAX_WRITE = 512 * 1024;

    void add(ByteBuffer buffer, long credit) {
        if (head + size == buffers.length) {
            makeRoom();
        }
        int i = head + size;
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

    /** Slots of the arrays (0 until the first buffer is added). */
    int capacity() {
        return buffers.length;
    }

    /**
     * Writes as much as the channel takes.
     *
     * @return the credits of the buffers that were completed
     */
    long writeTo(GatheringByteChannel channel) throws IOException {
        return writeTo(channel, null);
    }

    /** As {@link #writeTo(GatheringByteChannel)}, giving each buffer written whole back to {@code pool}. */
    long writeTo(GatheringByteChannel channel, BufferPool pool) throws IOException {
        long released = 0;
        while (size > 0) {
            int n = capWrite(Math.min(size, BATCH));
            long before = remaining(n);
            long w;
            try {
                w = n == 1 ? channel.write(buffers[head]) : channel.write(buffers, head, n);
            } finally {
                restoreLimit(n);
            }
            bytes -= w;
            released += removeCompleted(pool);
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
    long wrapTo(TlsSession tls, int maxNetBytes, BufferPool pool) throws IOException {
        long released = 0;
        while (size > 0 && tls.pendingNetBytes() < maxNetBytes) {
            long consumed = tls.wrap(buffers, head, Math.min(size, BATCH));
            bytes -= consumed;
            released += removeCompleted(pool);
            if (consumed == 0) {
                break;
            }
        }
        return released;
    }

    /**
     * Replaces each queued direct buffer by a heap copy of its remaining bytes. The only direct
     * buffers a connection queues are views lent from the event loop's read buffer (message parts
     * echoed without a copy) and callers' direct buffers, which a copy keeps intact too. The views
     * replaced go back to {@code pool} (when they are its windows).
     */
    void detachDirect(BufferPool pool) {
        for (int i = head; i < head + size; i++) {
            ByteBuffer b = buffers[i];
            if (b.isDirect()) {
                buffers[i] = ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip();
                if (pool != null) {
                    pool.recycle(b);
                }
            }
        }
    }

    /** Drops everything; returns the credits of the dropped buffers. */
    long clear() {
        return clear(null);
    }

    /** As {@link #clear()}, giving the dropped buffers back to {@code pool}. */
    long clear(BufferPool pool) {
        long released = 0;
        for (int i = head; i < head + size; i++) {
            released += credits[i];
            if (pool != null) {
                pool.recycle(buffers[i]);
            }
            buffers[i] = null;
            credits[i] = 0;
        }
        head = 0;
        size = 0;
        bytes = 0;
        return released;
    }

    /**
     * Limits one write to about {@link #MAX_WRITE} bytes. The JDK copies every heap buffer handed to
     * a socket write into a temporary direct buffer, whole, however little the socket then takes: a
     * 16 MiB message written into a 2 MiB socket buffer would be copied again on every partial
     * write. The socket cannot take more than its send buffer anyway.
     *
     * @return how many of the first {@code n} queued buffers to write
     */
    private int capWrite(int n) {
        long total = 0;
        for (int k = 0; k < n; k++) {
            ByteBuffer b = buffers[head + k];
            long left = MAX_WRITE - total;
            if (left <= 0) {
                return k;
            }
            if (b.remaining() > left) {
                cappedLimit = b.limit();
                b.limit(b.position() + (int) left);
                return k + 1;
            }
            total += b.remaining();
        }
        return n;
    }

    /** Undoes {@link #capWrite} on the last of the {@code n} buffers written. */
    private void restoreLimit(int n) {
        if (cappedLimit >= 0) {
            buffers[head + n - 1].limit(cappedLimit);
            cappedLimit = -1;
        }
    }

    private long remaining(int n) {
        long r = 0;
        for (int k = 0; k < n; k++) {
            r += buffers[head + k].remaining();
        }
        return r;
    }

    private long removeCompleted(BufferPool pool) {
        long released = 0;
        while (size > 0 && !buffers[head].hasRemaining()) {
            released += credits[head];
            if (pool != null) {
                pool.recycle(buffers[head]);
            }
            buffers[head] = null;
            credits[head] = 0;
            head++;
            size--;
        }
        if (size == 0) {
            head = 0;
        }
        return released;
    }

    /** The run reached the end of the arrays: slide it to the start if half is free there, else grow. */
    private void makeRoom() {
        int cap = buffers.length;
        if (head > 0 && head >= cap / 2) {
            System.arraycopy(buffers, head, buffers, 0, size);
            System.arraycopy(credits, head, credits, 0, size);
            Arrays.fill(buffers, size, head + size, null);
            Arrays.fill(credits, size, head + size, 0);
        } else {
            int n = cap == 0 ? FIRST_CAPACITY : cap * 2;
            ByteBuffer[] nb = new ByteBuffer[n];
            long[] nc = new long[n];
            System.arraycopy(buffers, head, nb, 0, size);
            System.arraycopy(credits, head, nc, 0, size);
            buffers = nb;
            credits = nc;
        }
        head = 0;
    }
}
