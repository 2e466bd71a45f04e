package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * TLS over a client connection: any {@link SSLEngine} (the generator uses BoringSSL's, through
 * Netty) driven over a {@link SocketChannel}. The handshake runs on the blocking channel; reads and
 * writes work blocking or not. Small writes become one record per call (the echo generator queues
 * all messages in flight, then writes once), and reads unwrap straight into the caller's buffer
 * when it has room for a whole record.
 */
final class TlsLink extends Link {
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    final SSLEngine engine;
    private final ByteBuffer netIn;   // write mode: bytes read from the socket, not yet unwrapped
    private final ByteBuffer netOut;  // write mode: records wrapped, not yet on the socket
    private final ByteBuffer appIn;   // write mode: plaintext unwrapped, not yet given to the caller
    private final int appSize;

    TlsLink(SocketChannel channel, SSLEngine engine) {
        super(channel);
        this.engine = engine;
        int packet = engine.getSession().getPacketBufferSize();
        this.appSize = engine.getSession().getApplicationBufferSize();
        this.netIn = ByteBuffer.allocateDirect(Math.max(packet, 64 * 1024 + 1024));
        this.netOut = ByteBuffer.allocateDirect(4 * packet);
        this.appIn = ByteBuffer.allocateDirect(appSize);
    }

    /** Runs the handshake; the channel must be blocking. */
    void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    SSLEngineResult r = engine.wrap(EMPTY, netOut);
                    if (r.getStatus() != SSLEngineResult.Status.OK) {
                        throw new SSLException("handshake wrap: " + r.getStatus());
                    }
                    flushOut();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    netIn.flip();
                    SSLEngineResult r = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("server closed TLS during the handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        throw new SSLException("handshake unwrap: buffer overflow");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW
                            || r.bytesConsumed() == 0 && r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
                        fill();
                    }
                }
                case NEED_TASK -> runTasks();
                case FINISHED, NOT_HANDSHAKING -> {
                    flushOut();
                    while (netOut.position() > 0) {
                        flushOut();
                    }
                    return;
                }
            }
        }
    }

    private void fill() throws IOException {
        if (!netIn.hasRemaining()) {
            throw new SSLException("TLS record larger than the read buffer");
        }
        if (channel.read(netIn) < 0) {
            throw new IOException("connection closed during the TLS handshake");
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    @Override
    void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            SSLEngineResult r = engine.wrap(src, netOut);
            switch (r.getStatus()) {
                case OK -> { }
                case BUFFER_OVERFLOW -> {
                    if (netOut.position() == 0) {
                        throw new SSLException("wrap: no room for one record");
                    }
                    if (!flushOut()) {
                        return; // the socket is full: the caller waits for OP_WRITE
                    }
                }
                default -> throw new SSLException("wrap: " + r.getStatus());
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
        }
        flushOut();
    }

    /** Writes what the socket takes of the wrapped records; true when none is left. */
    private boolean flushOut() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining() && channel.write(netOut) > 0) {
            // until the socket is full
        }
        netOut.compact();
        return netOut.position() == 0;
    }

    @Override
    boolean pendingOutput() {
        return netOut.position() > 0;
    }

    @Override
    int read(ByteBuffer dst) throws IOException {
        int start = dst.position();
        drainAppIn(dst);
        boolean eof = false;
        boolean blocking = channel.isBlocking();
        while (dst.hasRemaining()) {
            netIn.flip();
            if (netIn.hasRemaining()) {
                ByteBuffer target = dst.remaining() >= appSize ? dst : appIn;
                SSLEngineResult r = engine.unwrap(netIn, target);
                netIn.compact();
                if (target == appIn) {
                    drainAppIn(dst);
                }
                if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
                SSLEngineResult.Status s = r.getStatus();
                if (s == SSLEngineResult.Status.CLOSED) {
                    eof = true;
                    break;
                }
                if (s == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    throw new SSLException("unwrap: buffer overflow");
                }
                if (s == SSLEngineResult.Status.OK && (r.bytesConsumed() > 0 || r.bytesProduced() > 0)) {
                    continue; // a record done (or a post-handshake message, a session ticket)
                }
            } else {
                netIn.compact();
            }
            if (blocking && dst.position() > start) {
                break; // a blocking read would wait for bytes the server has no reason to send
            }
            if (!netIn.hasRemaining()) {
                throw new SSLException("TLS record larger than the read buffer");
            }
            int n = channel.read(netIn);
            if (n < 0) {
                eof = true;
                break;
            }
            if (n == 0) {
                break;
            }
        }
        int got = dst.position() - start;
        return got == 0 && eof ? -1 : got;
    }

    private void drainAppIn(ByteBuffer dst) {
        if (appIn.position() == 0) {
            return;
        }
        appIn.flip();
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(dst.position(), appIn, appIn.position(), n);
        dst.position(dst.position() + n);
        appIn.position(appIn.position() + n);
        appIn.compact();
    }

    @Override
    void release() {
        GeneratorTls.release(engine);
    }
}
