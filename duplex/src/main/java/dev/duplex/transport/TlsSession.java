package dev.duplex.transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * TLS over an {@link SSLEngine} without a socket: network bytes in, application bytes out
 * ({@link #unwrap}); application bytes in, network bytes out ({@link #wrap}, {@link #netOut()}).
 * Handshake messages are produced as a side effect of either call; delegated tasks run inline.
 * Tests drive two sessions against each other by passing {@link #netOut()} across.
 *
 * <p>Not thread-safe: confined to its event loop.
 */
final class TlsSession {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final SSLEngine engine;
    private ByteBuffer netIn;   // write mode: received, not yet unwrapped
    private ByteBuffer appIn;   // write mode: decrypted, not yet consumed
    private ByteBuffer netOut;  // write mode: encrypted, not yet written
    private boolean handshakeDone;
    private boolean inboundDone;

    TlsSession(SSLEngine engine) {
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.netIn = ByteBuffer.allocate(packet);
        this.appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
        this.netOut = ByteBuffer.allocate(packet);
    }

    SSLEngine engine() {
        return engine;
    }

    /** Starts the handshake; a client's ClientHello is then in {@link #netOut()}. */
    void begin() throws SSLException {
        engine.beginHandshake();
        progress(engine.getHandshakeStatus());
    }

    boolean handshakeDone() {
        return handshakeDone;
    }

    /** The peer sent close_notify. */
    boolean inboundDone() {
        return inboundDone;
    }

    /**
     * Consumes network bytes from {@code src} (all of them). Decrypted bytes collect in
     * {@link #appIn()}; handshake replies collect in {@link #netOut()}.
     */
    void unwrap(ByteBuffer src) throws SSLException {
        while (src.hasRemaining()) {
            if (!netIn.hasRemaining()) {
                netIn = grow(netIn, netIn.capacity() + Math.max(src.remaining(), engine.getSession().getPacketBufferSize()));
            }
            int n = Math.min(src.remaining(), netIn.remaining());
            netIn.put(netIn.position(), src, src.position(), n);
            netIn.position(netIn.position() + n);
            src.position(src.position() + n);
            drainNetIn();
        }
    }

    private void drainNetIn() throws SSLException {
        netIn.flip();
        try {
            while (!inboundDone) {
                SSLEngineResult r = engine.unwrap(netIn, appIn);
                switch (r.getStatus()) {
                    case BUFFER_OVERFLOW -> {
                        appIn = grow(appIn, appIn.capacity() + engine.getSession().getApplicationBufferSize());
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> {
                        int packet = engine.getSession().getPacketBufferSize();
                        if (netIn.capacity() < packet) {
                            netIn = growRead(netIn, packet);
                        }
                        return;
                    }
                    case CLOSED -> inboundDone = true;
                    case OK -> { }
                }
                HandshakeStatus hs = progress(r.getHandshakeStatus());
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && hs != HandshakeStatus.NEED_UNWRAP) {
                    return;
                }
                if (!netIn.hasRemaining() && hs != HandshakeStatus.NEED_UNWRAP) {
                    return;
                }
            }
        } finally {
            netIn.compact();
        }
    }

    /** Runs delegated tasks and produces handshake output until the engine waits for the peer. */
    private HandshakeStatus progress(HandshakeStatus hs) throws SSLException {
        while (true) {
            switch (hs) {
                case NEED_TASK -> {
                    Runnable task;
                    while ((task = engine.getDelegatedTask()) != null) {
                        task.run();
                    }
                    hs = engine.getHandshakeStatus();
                }
                case NEED_WRAP -> {
                    SSLEngineResult r = wrapOnce(EMPTY_ARRAY, 0, 0);
                    hs = r.getHandshakeStatus();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        return hs;
                    }
                }
                case FINISHED -> {
                    handshakeDone = true;
                    hs = engine.getHandshakeStatus();
                }
                case NOT_HANDSHAKING -> {
                    if (!handshakeDone && engine.getSession().isValid() && !engine.isOutboundDone()) {
                        handshakeDone = true;
                    }
                    return hs;
                }
                default -> {
                    return hs; // NEED_UNWRAP, NEED_UNWRAP_AGAIN: wait for the peer
                }
            }
        }
    }

    private static final ByteBuffer[] EMPTY_ARRAY = {EMPTY};

    private SSLEngineResult wrapOnce(ByteBuffer[] srcs, int off, int len) throws SSLException {
        while (true) {
            SSLEngineResult r = engine.wrap(srcs, off, len == 0 ? 1 : len, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = grow(netOut, netOut.capacity() + engine.getSession().getPacketBufferSize());
                continue;
            }
            return r;
        }
    }

    /**
     * Encrypts application bytes from {@code srcs[off..off+len)} into {@link #netOut()}.
     *
     * @return the number of application bytes consumed
     */
    long wrap(ByteBuffer[] srcs, int off, int len) throws SSLException {
        long consumed = 0;
        while (hasRemaining(srcs, off, len)) {
            SSLEngineResult r = wrapOnce(srcs, off, len);
            consumed += r.bytesConsumed();
            progress(r.getHandshakeStatus());
            if (r.getStatus() == SSLEngineResult.Status.CLOSED || r.bytesConsumed() == 0) {
                break;
            }
            if (netOut.position() >= 4 * engine.getSession().getPacketBufferSize()) {
                break; // enough for one write; let the caller flush
            }
        }
        return consumed;
    }

    /** Queues close_notify (RFC 8446 6.1) in {@link #netOut()}. */
    void closeOutbound() {
        engine.closeOutbound();
        try {
            progress(engine.getHandshakeStatus());
        } catch (SSLException ignored) {
            // the alert could not be produced; TCP closes anyway
        }
    }

    /** Decrypted bytes, in write mode: flip to read, compact when done. */
    ByteBuffer appIn() {
        return appIn;
    }

    /** Encrypted bytes to send, in write mode: flip to write to the socket, compact after. */
    ByteBuffer netOut() {
        return netOut;
    }

    int pendingNetBytes() {
        return netOut.position();
    }

    /** Drops the buffers (after the connection closed). */
    void release() {
        netIn = EMPTY;
        appIn = EMPTY;
        netOut = EMPTY;
        engine.closeOutbound();
    }

    private static boolean hasRemaining(ByteBuffer[] srcs, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (srcs[i].hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    /** Grows a write-mode buffer, keeping its content. */
    private static ByteBuffer grow(ByteBuffer b, int capacity) {
        ByteBuffer n = ByteBuffer.allocate(capacity);
        b.flip();
        n.put(b);
        return n;
    }

    /** Grows a read-mode buffer, keeping its unread content in read mode. */
    private static ByteBuffer growRead(ByteBuffer b, int capacity) {
        ByteBuffer n = ByteBuffer.allocate(capacity);
        n.put(b);
        n.flip();
        return n;
    }
}
