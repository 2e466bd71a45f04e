package dev.duplex.transport;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.BufferPool;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;

/**
 * The bytes on one connection's socket: reads, TLS (unwrap on the way in, wrap on the way out, when
 * there is a session), the write queue and what the socket takes of it, and the socket's interest
 * set (write interest while bytes wait, read interest unless reading is paused for a reason). It
 * knows nothing of HTTP or WebSockets, nor of NIO: the socket is a {@link WireSocket}. Loop thread
 * only.
 */
final class Wire {

    /** Reading paused because the listener is behind (events not yet handled). */
    static final int PAUSE_EVENTS = 1;
    /** Reading paused because too much waits to be written. */
    static final int PAUSE_WRITES = 2;
    /** Reading paused by the layer above ({@link WsChannel#pauseReading()}): a consumer at its own pace. */
    static final int PAUSE_CONSUMER = 4;
    /** Encrypted bytes prepared per flush step. */
    private static final int TLS_BATCH = 64 * 1024;

    private final WireSocket socket;
    private final TlsSession tls;
    /** Counts the bytes that cross the socket (after TLS). */
    private final WebSocketMetrics metrics;
    /**
     * Null until the first write, and while empty after the 101 (most of a busy server's
     * WebSockets sit idle after the upgrade); made by the next write. See {@link #queue()}.
     */
    private WriteQueue queue;
    private int readPaused;

    Wire(WireSocket socket, TlsSession tls, WebSocketMetrics metrics) {
        this.socket = socket;
        this.tls = tls;
        this.metrics = metrics;
    }

    TlsSession tls() {
        return tls;
    }

    boolean secure() {
        return tls != null;
    }

    // ---------------------------------------------------------------------------------------------
    // In

    /** Reads into {@code buf}: bytes read, 0 for none now, -1 at the peer's EOF. */
    int read(ByteBuffer buf) throws IOException {
        int n = socket.read(buf);
        if (n > 0) {
            metrics.bytesReceived(n);
        }
        return n;
    }

    /**
     * Decrypts what {@code src} holds into {@code dst} (see {@link TlsSession#unwrap}); true when
     * {@code src} still has bytes once {@code dst} was used.
     */
    boolean unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        return tls.unwrap(src, dst);
    }

    boolean readPaused() {
        return readPaused != 0;
    }

    void pauseReading(int reason) {
        if (readPaused == 0) {
            setInterest(interestOps() & ~SelectionKey.OP_READ);
        }
        readPaused |= reason;
    }

    /** Takes one reason away; reads again when none is left (unless {@code closed}). */
    void resumeReading(int reason) {
        if ((readPaused & reason) == 0) {
            return;
        }
        readPaused &= ~reason;
        if (readPaused == 0) {
            setInterest(interestOps() | SelectionKey.OP_READ);
        }
    }

    boolean pausedFor(int reason) {
        return (readPaused & reason) != 0;
    }

    // ---------------------------------------------------------------------------------------------
    // Out

    WriteQueue queue() {
        WriteQueue q = queue;
        return q != null ? q : (queue = new WriteQueue());
    }

    boolean queueEmpty() {
        return queue == null || queue.isEmpty();
    }

    long queuedBytes() {
        return queue == null ? 0 : queue.bytes();
    }

    /** Lets the queue go when it is empty (it is made again by the next write). */
    void dropQueueIfEmpty() {
        if (queue != null && queue.isEmpty()) {
            queue = null;
        }
    }

    /** Empties the queue unwritten; returns the credit of what was dropped. */
    long clearQueue(BufferPool pool) {
        return queue == null ? 0 : queue.clear(pool);
    }

    /** Copies what is still queued of the read buffer's lent views, before it is read into again. */
    void detachLentViews(BufferPool pool) {
        if (queue != null) {
            queue.detachDirect(pool);
        }
    }

    /** Whether the channel can take writes (connected and not closed). */
    boolean writable() {
        return socket.isConnected();
    }

    /** Writes what the socket takes (encrypting first under TLS); returns the credit of what left. */
    long write(BufferPool pool) throws IOException {
        if (tls == null) {
            if (queueEmpty()) {
                return 0;
            }
            long before = queue.bytes();
            try {
                return queue.writeTo(socket, pool);
            } finally {
                metrics.bytesSent(before - queue.bytes());
            }
        }
        long credit = 0;
        while (true) {
            writeNetOut();
            if (tls.pendingNetBytes() > 0 || queueEmpty() || !tls.handshakeDone()) {
                return credit;
            }
            long before = queuedBytes();
            credit += queue.wrapTo(tls, TLS_BATCH, pool);
            if (queuedBytes() == before && tls.pendingNetBytes() == 0) {
                return credit;
            }
        }
    }

    /** Whether bytes wait: queued, or encrypted and not yet taken by the socket. */
    boolean pending() {
        return !queueEmpty() || (tls != null && tls.pendingNetBytes() > 0);
    }

    /** Write interest while {@link #pending()}. */
    void updateWriteInterest() {
        int ops = interestOps();
        setInterest(pending() ? ops | SelectionKey.OP_WRITE : ops & ~SelectionKey.OP_WRITE);
    }

    private void writeNetOut() throws IOException {
        ByteBuffer out = tls.netOut();
        if (out.position() == 0) {
            return;
        }
        out.flip();
        try {
            metrics.bytesSent(socket.write(out));
        } finally {
            out.compact();
        }
    }

    /** Writes what TLS has ready (an alert, a close_notify), best effort. */
    void writeTlsQuietly() {
        try {
            if (tls != null && socket.isOpen()) {
                writeNetOut();
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** Sets the socket's interest set when it changes (setting it may cost a selector update). */
    private void setInterest(int ops) {
        if (socket.interestOps() != ops) {
            socket.interestOps(ops);
        }
    }

    private int interestOps() {
        return socket.interestOps();
    }

    // ---------------------------------------------------------------------------------------------
    // End

    /**
     * Closes the socket: a TLS session that carried a WebSocket says close_notify first (best
     * effort); the session's buffers go back. Returns the credit of what was still queued.
     */
    long close(boolean closeNotify, BufferPool pool) {
        if (tls != null && closeNotify) {
            tls.closeOutbound();
            writeTlsQuietly();
        }
        socket.close();
        TransportMetrics.SOCKETS.decrementAndGet();
        if (tls != null) {
            tls.release();
            TransportMetrics.TLS_SESSIONS.decrementAndGet();
        }
        return clearQueue(pool);
    }
}
