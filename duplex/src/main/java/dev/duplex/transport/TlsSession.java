package dev.duplex.transport;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import java.nio.ByteBuffer;

/**
 * TLS over an {@link SSLEngine} without a socket: network bytes in, application bytes out into the
 * caller's buffer ({@link #unwrap}); application bytes in, network bytes out ({@link #wrap},
 * {@link #netOut()}).
 * Handshake messages are produced as a side effect of either call; delegated tasks run inline.
 * Tests drive two sessions against each other by passing {@link #netOut()} across.
 *
 * <p>Not thread-safe: confined to its event loop.
 */
final class TlsSession {

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /**
     * Room in {@link #netOut()} beyond one packet: the engine wraps only into a packet's worth of free
     * space, and a handshake flight is several wraps (ServerHello, then the encrypted rest; the
     * ticket), about 1.5 KiB with an EC certificate. Without it every handshake grew the buffer to
     * two packets, kept for the connection's life.
     */
    static final int FLIGHT_ROOM = 4096;

    private final SSLEngine engine;
    /** Read mode: a partial record kept between reads, or null (most of the time). */
    private ByteBuffer netIn;
    private ByteBuffer netOut;  // write mode: encrypted, not yet written
    private boolean handshakeDone;
    private boolean inboundDone;

    TlsSession(SSLEngine engine) {
        this.engine = engine;
        this.netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() + FLIGHT_ROOM);
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
     * Decrypts network bytes from {@code src} into {@code dst} (write mode), record by record, until
     * {@code src} is used up or {@code dst} has less room than a record may need; handshake replies
     * collect in {@link #netOut()}. A partial record at the end of {@code src} is kept here (the only
     * bytes a session holds between reads) and completed by the next call. The plaintext goes
     * straight into the caller's buffer: the event loop's read buffer, shared by its connections, so
     * a TLS connection keeps no plaintext buffer of its own and its parts are lent as plain ones are.
     *
     * @return true when {@code src} still has bytes: empty {@code dst} and call again
     */
    boolean unwrap(ByteBuffer src, ByteBuffer dst) throws SSLException {
        while (netIn != null) {
            // Complete the kept partial record from src, no more than it lacks, then go on from src
            // itself: a read is not copied behind a partial record.
            int n = Math.min(lacking(netIn), src.remaining());
            if (n == 0 && src.hasRemaining()) {
                n = src.remaining(); // whole records the engine did not take yet: keep src with them
            }
            if (netIn.capacity() - netIn.limit() < n) {
                netIn = growRead(netIn, netIn.remaining() + Math.max(n, packetSize()));
            }
            int at = netIn.limit();
            netIn.limit(at + n);
            netIn.put(at, src, src.position(), n);
            src.position(src.position() + n);
            boolean more = unwrapFrom(netIn, dst);
            if (more) {
                if (!netIn.hasRemaining()) {
                    netIn = null;
                }
                return true; // dst is full: the rest on the next call
            }
            if (netIn.hasRemaining()) {
                netIn.compact().flip(); // still a partial record: keep it, at the start
                if (!src.hasRemaining()) {
                    return false;
                }
            } else {
                netIn = null;
            }
        }
        boolean more = unwrapFrom(src, dst);
        if (!more && src.hasRemaining()) {
            // A partial record: keep its bytes until the rest arrives.
            netIn = ByteBuffer.allocate(Math.max(src.remaining(), packetSize()));
            netIn.put(src).flip();
        }
        return more;
    }

    /** Unwraps whole records of {@code in}; true when it stopped because {@code dst} is short of room. */
    private boolean unwrapFrom(ByteBuffer in, ByteBuffer dst) throws SSLException {
        while (!inboundDone && in.hasRemaining()) {
            if (dst.remaining() < engine.getSession().getApplicationBufferSize()) {
                return true;
            }
            SSLEngineResult r = engine.unwrap(in, dst);
            switch (r.getStatus()) {
                case BUFFER_OVERFLOW -> {
                    return true; // a record larger than announced: the caller empties dst
                }
                case BUFFER_UNDERFLOW -> {
                    return false; // a partial record: the caller keeps it
                }
                case CLOSED -> inboundDone = true;
                case OK -> { }
            }
            HandshakeStatus hs = progress(r.getHandshakeStatus());
            if (r.bytesConsumed() == 0 && r.bytesProduced() == 0 && hs != HandshakeStatus.NEED_UNWRAP) {
                return false;
            }
        }
        if (inboundDone) {
            in.position(in.limit()); // nothing is read after close_notify
        }
        return false;
    }

    /**
     * Bytes the partial record at the start of {@code b} still lacks (RFC 8446 5.1: a five-byte header
     * whose last two bytes are the length), or what its header lacks.
     */
    private static int lacking(ByteBuffer b) {
        int have = b.remaining();
        if (have < 5) {
            return 5 - have;
        }
        int p = b.position();
        int length = ((b.get(p + 3) & 0xFF) << 8) | (b.get(p + 4) & 0xFF);
        return Math.max(0, 5 + length - have);
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
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

    /**
     * Queues close_notify (RFC 8446 6.1) in {@link #netOut()}: wraps until the engine says its
     * outbound side is done, not only while it reports {@code NEED_WRAP} (an engine past its
     * handshake, as BoringSSL's, may report {@code NOT_HANDSHAKING} with the alert still inside).
     */
    void closeOutbound() {
        engine.closeOutbound();
        try {
            while (!engine.isOutboundDone() && wrapOnce(EMPTY_ARRAY, 0, 0).bytesProduced() > 0) {
                // each wrap moves more of the alert into netOut
            }
        } catch (SSLException ignored) {
            // the alert could not be produced; TCP closes anyway
        }
    }

    /** Encrypted bytes to send, in write mode: flip to write to the socket, compact after. */
    ByteBuffer netOut() {
        return netOut;
    }

    int pendingNetBytes() {
        return netOut.position();
    }

    /**
     * Drops the buffers and closes the engine both ways (after the connection closed): an engine
     * with native state (BoringSSL's, through Conscrypt) frees it only once both directions are
     * closed, not when the connection object is collected.
     */
    void release() {
        netIn = null;
        netOut = EMPTY;
        engine.closeOutbound();
        try {
            engine.closeInbound();
        } catch (SSLException expected) {
            // the JDK's engine says the peer sent no close_notify; it is closed all the same
        }
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
