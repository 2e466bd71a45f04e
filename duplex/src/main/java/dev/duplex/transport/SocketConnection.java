package dev.duplex.transport;

import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.DeflateParameters;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.ServerHandshake;
import dev.duplex.protocol.State;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One connection on its event loop, through its phases: it starts (a served socket, or a client's
 * once the {@link ClientDialer} hands it over), reads (through TLS when there is a session), feeds
 * the HTTP exchange before the upgrade ({@link HttpPhase}) and the core after it, opens, closes and
 * tears everything down once. Moving the core's output and events is its base's, {@link CorePump};
 * the socket's bytes are the {@link Wire}'s; the timers are {@link ConnectionTimers}'; sends from
 * other threads wait in a {@link CommandQueue}.
 *
 * <p>Confined to its event loop, except the {@link WsChannel} methods, which may be called from any
 * thread: they read volatile state and post commands.
 */
final class SocketConnection extends CorePump implements EventLoop.Handler, EventLoop.Closeable {

    private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());

    /** Reads per readiness event before yielding to other channels. */
    private static final int MAX_READS = 4;

    private final Role role;

    // Loop-confined state (the pump's is CorePump's)
    /** The layer above's object for this channel (see {@link #attach}). */
    private Object attachment;
    /** The HTTP exchange before the upgrade; null once open. */
    private HttpPhase http;
    /** A client's dialer until it hands the channel over. */
    private ClientDialer dialer;
    /** A client's opening handshake, started once TCP (and TLS) are up. */
    private ClientUpgrade upgrade;
    /** The server's callbacks (the end of the connection is reported to them). */
    private ServerCallbacks callbacks;
    /** Null while no timer runs. */
    private ConnectionTimers timers;

    private SocketConnection(EventLoop loop, Role role, ConnectionConfig config) {
        super(loop, config);
        this.role = role;
    }

    // ---------------------------------------------------------------------------------------------
    // Starting

    /** Takes over an accepted socket (on {@code loop}). */
    static void serve(EventLoop loop, SocketChannel ch, ConnectionConfig config, SSLContext sslContext,
                      ServerCallbacks callbacks) {
        SelectionKey k;
        try {
            k = loop.register(ch, SelectionKey.OP_READ, null);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not register an accepted connection", e);
            closeQuietly(ch);
            return;
        }
        k.attach(serve(loop, new NioSocket(k), config, sslContext, callbacks)); // nothing selects before this
    }

    /** Takes over an accepted socket, NIO or in memory (on {@code loop}); the connection is CONNECTING. */
    static SocketConnection serve(EventLoop loop, WireSocket socket, ConnectionConfig config, SSLContext sslContext,
                                  ServerCallbacks callbacks) {
        SocketConnection c = new SocketConnection(loop, Role.SERVER, config);
        c.callbacks = callbacks;
        c.http = new ServerHttpExchange(c, callbacks, config);
        c.phase = Phase.HTTP;
        try {
            c.remote = socket.remoteAddress();
            c.local = socket.localAddress();
            TlsSession tls = null;
            if (sslContext != null) {
                SSLEngine engine = sslContext.createSSLEngine();
                engine.setUseClientMode(false);
                tls = new TlsSession(engine);
                TransportMetrics.TLS_SESSIONS.incrementAndGet();
                c.phase = Phase.TLS;
            }
            c.wire = new Wire(socket, tls, config.metrics());
            c.timers().startHandshake();
            if (tls != null) {
                tls.begin();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not set up an accepted connection", e);
            if (c.wire == null) {
                socket.close();
                TransportMetrics.SOCKETS.decrementAndGet();
            }
            c.closeSocket();
        }
        return c;
    }

    /** Starts a client connection attempt; the returned channel is CONNECTING. */
    static SocketConnection connect(EventLoop loop, ClientOptions o, ChannelListener listener) {
        SocketConnection c = new SocketConnection(loop, Role.CLIENT, o.connectionConfig());
        c.listener = listener;
        c.phase = Phase.DIALING;
        c.dialer = new ClientDialer(loop, o, c);
        c.upgrade = new ClientUpgrade(c, o, listener);
        c.dialer.start();
        return c;
    }

    /**
     * The dialer is done: TCP (through the proxy, if any) is up. {@code leftover} holds bytes read
     * past the proxy's answer, or is null. TLS, then the opening handshake, follow here.
     */
    void dialed(WireSocket socket, TlsSession session, ByteBuffer leftover) {
        dialer = null;
        wire = new Wire(socket, session, config.metrics());
        try {
            remote = socket.remoteAddress();
            local = socket.localAddress();
        } catch (IOException e) {
            failConnect(ConnectException.Step.CONNECT, "connection lost", e);
            return;
        }
        timers().startHandshake();
        http = upgrade;
        upgrade = null;
        if (session != null) {
            phase = Phase.TLS;
            try {
                session.begin();
            } catch (SSLException | RuntimeException e) {
                failConnect(ConnectException.Step.TLS, "TLS setup failed: " + e.getMessage(), e);
                return;
            }
            flush();
        } else {
            phase = Phase.HTTP;
            ((ClientUpgrade) http).start();
        }
        if (leftover != null && phase != Phase.CLOSED) {
            onBytes(leftover);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Reading

    @Override
    public void onReady(SelectionKey k) {
        if (k.isValid()) {
            onReady(k.readyOps());
        }
    }

    /** The socket is ready for {@code ready} ({@link SelectionKey} bits): writes first, then reads. */
    void onReady(int ready) {
        if ((ready & SelectionKey.OP_WRITE) != 0 && phase != Phase.CLOSED) {
            flush();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && phase != Phase.CLOSED) {
            onReadable();
        }
    }

    private void onReadable() {
        for (int i = 0; i < MAX_READS && phase != Phase.CLOSED && !wire.readPaused(); i++) {
            // Under TLS the network bytes go to a buffer of their own: the read buffer gets the plaintext.
            ByteBuffer buf = wire.secure() ? loop.tlsReadBuffer() : loop.readBuffer();
            int n;
            try {
                n = wire.read(buf);
            } catch (IOException e) {
                onIoFailure(e);
                return;
            }
            if (n < 0) {
                onEof();
                return;
            }
            if (n == 0) {
                return;
            }
            if (timers != null) {
                timers.onRead();
            }
            buf.flip();
            onBytes(buf);
            if (n < buf.capacity()) {
                return;
            }
        }
    }

    /** Network bytes: through TLS when there is a session, then to the application layer. */
    private void onBytes(ByteBuffer buf) {
        if (!wire.secure()) {
            onAppBytes(buf);
            return;
        }
        TlsSession tls = wire.tls();
        boolean more;
        do {
            // The plaintext lands in the loop's read buffer, as a plain connection's bytes do: parts
            // are lent from it and what is still queued of them is copied at the end of the batch.
            ByteBuffer app = loop.readBuffer();
            try {
                more = wire.unwrap(buf, app);
            } catch (SSLException e) {
                onTlsFailure(e);
                return;
            }
            app.flip();
            if (phase == Phase.TLS && tls.handshakeDone()) {
                phase = Phase.HTTP;
                if (http instanceof ClientUpgrade u) {
                    u.start();
                }
            }
            if (app.hasRemaining()) {
                onAppBytes(app);
            } else {
                flush(); // handshake messages
            }
        } while (more && phase != Phase.CLOSED);
        if (phase != Phase.CLOSED && tls.inboundDone()) {
            onEof();
        }
    }

    /**
     * Feeds application bytes and delivers what they produce. Sends made meanwhile (auto-replies and
     * handler sends on the loop) are queued and leave together in one gathering write at the end.
     */
    private void onAppBytes(ByteBuffer in) {
        inBatch = true;
        try {
            while (in.hasRemaining() && phase != Phase.CLOSED) {
                if (phase == Phase.OPEN) {
                    conn.receive(in);
                    if (in.hasRemaining()) {
                        pump(); // a part lent a view of in: handled before the core reads on
                    }
                } else if (phase == Phase.HTTP && !closeAfterFlush) {
                    http.onBytes(in);
                } else {
                    in.position(in.limit());
                }
            }
            pump();
        } finally {
            inBatch = false;
        }
        flush();
        if (lentParts) {
            // Views of the read buffer still queued are copied before the buffer is read into again.
            lentParts = false;
            if (wire != null) {
                wire.detachLentViews(loop.bufferPool());
            }
        }
    }

    private void onEof() {
        if (conn == null) {
            failConnect(ConnectException.Step.HANDSHAKE,
                    "the server closed the connection during the opening handshake", new EOFException("connection closed"));
            return;
        }
        if (phase != Phase.CLOSED) {
            conn.receiveEof();
            pump();
            closeSocket();
        }
    }

    @Override
    void onIoFailure(IOException e) {
        terminate(ConnectException.Step.CONNECT, "I/O error: " + e.getMessage(), e);
    }

    private void onTlsFailure(SSLException e) {
        LOG.log(Level.DEBUG, "TLS failure", e);
        wire.writeTlsQuietly(); // the alert, best effort
        terminate(ConnectException.Step.TLS, "TLS handshake failed: " + e.getMessage(), e);
    }

    // ---------------------------------------------------------------------------------------------
    // The HTTP exchange (for ServerHttpExchange and ClientUpgrade)

    /** Queues an HTTP head (and body) for writing; {@code thenClose} closes the connection once written. */
    void writeHttp(byte[] bytes, boolean thenClose) {
        wire.queue().add(ByteBuffer.wrap(bytes), 0);
        if (thenClose) {
            closeAfterFlush = true;
        }
        if (!inBatch) {
            flush();
        }
    }

    /** A kept-alive server connection waits for its next request: a full handshake timeout again. */
    void restartHandshakeTimer() {
        timers().startHandshake();
    }

    /** Writes the 101 and opens the WebSocket. */
    void upgrade(ServerHandshake.Accepted accepted, ChannelListener l) {
        wire.queue().add(accepted.response().toBuffer(loop.bufferPool()), 0);   // back to the pool once written
        // Open first (timers armed, onopen run, its sends queued behind the 101), so nothing the
        // client does after reading the 101 can find the connection half-open.
        open(accepted.subprotocol(), accepted.extensions(), accepted.deflate(), l,
                new OpenInfo(accepted.subprotocol(), accepted.extensions(), 101,
                        HeaderMaps.lazy(accepted.response().headers())));
        if (inBatch && !wire.secure() && phase == Phase.OPEN) {
            // The 101 usually leaves at once; then the queue goes, as most WebSockets of a busy
            // server sit idle after the upgrade (the first send makes a new one).
            try {
                wrote(wire.write(loop.bufferPool()));
            } catch (IOException e) {
                // still queued: the flush after this batch meets the error and fails the connection
            }
            wire.dropQueueIfEmpty();
        }
    }

    boolean secure() {
        return wire.secure();
    }

    // ---------------------------------------------------------------------------------------------
    // Open

    void open(String subprotocol, String ext, DeflateParameters deflate, ChannelListener l, OpenInfo info) {
        // The loop's pool: frames and lent parts are reused across its connections, and every buffer
        // polled from conn goes back to it once written or dropped.
        conn = new Connection(role, new Connection.Settings(config.limits(), config.masks(), deflate,
                config.compressionThreshold(), config.compressionLevel(), loop.bufferPool()));
        if (dispatcher != null) {
            // listeners on another thread may still be answering earlier messages (EventDispatcher.idle)
            CORE.holdCloseUntilPolled(conn);
        }
        TransportMetrics.CONNECTIONS.incrementAndGet();
        config.metrics().connectionOpened();
        listener = l;
        http = null;
        protocol = subprotocol == null ? "" : subprotocol;
        extensions = ext == null ? "" : ext;
        phase = Phase.OPEN;
        readyState = State.OPEN;
        ConnectionTimers t = timers();
        t.opened();
        if (!t.running()) {
            timers = null;
        }
        deliver(info);
        CommandQueue q = commands;
        if (q != null) {
            q.reschedule();
        }
    }

    @Override
    public void attach(Object o) {
        attachment = o;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    // ---------------------------------------------------------------------------------------------
    // Timers (ConnectionTimers and KeepAlive; these are what they ask of the connection)

    private ConnectionTimers timers() {
        ConnectionTimers t = timers;
        return t != null ? t : (timers = new ConnectionTimers(this));
    }

    @Override
    void onCloseExpected() {
        timers().closeExpected();
    }

    boolean isOpenForKeepAlive() {
        return phase == Phase.OPEN && conn.state() == State.OPEN;
    }

    /** KeepAlive: nothing read within the idle timeout. */
    void closeIdle() {
        conn.sendClose(CloseCode.GOING_AWAY, "idle timeout");
        pump();
        flush();
    }

    /** KeepAlive: the connection has been quiet for the ping interval. */
    void sendKeepAlivePing() {
        conn.sendPing(ByteBuffer.allocate(0));
        pump();
        flush();
    }

    // ---------------------------------------------------------------------------------------------
    // Ending

    /**
     * Ends the connection at once, whatever its phase: an open WebSocket fails (1006 with
     * {@code cause}), a connection still opening fails its connect ({@code step}, {@code message}).
     */
    private void terminate(ConnectException.Step step, String message, Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (conn != null) {
            failOpen(cause);
        } else {
            failConnect(step, message, cause);
        }
    }

    /** The open WebSocket fails at once: 1006 with {@code cause}, its last events delivered, the socket closed. */
    void failOpen(Throwable cause) {
        conn.fail(CloseCode.ABNORMAL_CLOSURE, "", cause);
        pump();
        closeSocket();
    }

    /**
     * The connection ends before it opened: a client's listener gets {@code Closed(1006)} with a
     * {@link ConnectException} naming the step (a server has no listener yet), then everything is
     * released.
     */
    void failConnect(ConnectException.Step step, String message, Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (listener != null && !closedDelivered) {
            closedDelivered = true;
            deliver(new ProtocolEvent.Closed(CloseCode.ABNORMAL_CLOSURE, "", false,
                    new ConnectException(step, message, cause)));
        }
        closeSocket();
    }

    /** Releases everything: socket, TLS buffers, queued bytes, the protocol connection. Idempotent. */
    @Override
    void closeSocket() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        if (timers != null) {
            timers.cancel();
            timers = null;
        }
        if (dialer != null) {
            dialer.abort();
            dialer = null;
        }
        if (wire != null) {
            release(wire.close(conn != null, loop.bufferPool()));
        }
        CommandQueue q = commands;
        if (q != null) {
            for (CommandQueue.Command c; (c = q.poll()) != null; ) {
                release(c.credit());
            }
        }
        if (conn != null) {
            conn.release();
            TransportMetrics.CONNECTIONS.decrementAndGet();
            deliverRemainingEvents();
            for (ByteBuffer b; (b = conn.pollOutbound()) != null; ) {
                loop.bufferPool().recycle(b); // discarded
            }
        }
        readyState = State.CLOSED;
        if (callbacks != null) {
            try {
                callbacks.onConnectionEnd(this);
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "connection-end callback failed", ex);
            }
        }
    }

    @Override
    public void closeNow() {
        terminate(ConnectException.Step.ABORTED, "event loop stopped", new IOException("event loop stopped"));
    }

    // ---------------------------------------------------------------------------------------------
    // WsChannel (the rest is ChannelFace's)

    @Override
    public void streamMessages(boolean on) {
        if (loop.inEventLoop()) {
            streamMessagesOnLoop(on);   // a server's upgrade, for a handler that takes parts: no task object
        } else {
            loop.execute(() -> streamMessagesOnLoop(on));
        }
    }

    private void streamMessagesOnLoop(boolean on) {
        if (conn != null) {
            conn.streamMessages(on);
        }
    }

    @Override
    public boolean reusesPart(ProtocolEvent.MessagePart part) {
        return loop.inEventLoop() && loop.bufferPool().lends(part);
    }

    @Override
    public void pauseReading() {
        runOnLoop(() -> {
            if (wire != null && phase != Phase.CLOSED) {
                wire.pauseReading(Wire.PAUSE_CONSUMER);
            }
        });
    }

    @Override
    public void resumeReading() {
        // Bytes already waiting in the socket are reported by the next select (level-triggered).
        runOnLoop(() -> {
            if (wire != null && phase != Phase.CLOSED) {
                wire.resumeReading(Wire.PAUSE_CONSUMER);
            }
        });
    }

    @Override
    void abortOnLoop(Throwable cause) {
        terminate(ConnectException.Step.ABORTED, "connection attempt aborted", cause);
    }

    @Override
    void closeOnLoop(CloseCode code, String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (phase != Phase.OPEN) {
            terminate(ConnectException.Step.ABORTED, "connection attempt aborted",
                    new IOException("closed before the connection opened"));
            return;
        }
        runCommands(); // what was sent before the close goes first
        if (conn.state() == State.OPEN) {
            conn.sendClose(code, reason);
            pump();
            if (!inBatch) {
                flush();
            }
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        TransportMetrics.SOCKETS.decrementAndGet();
    }

    @Override
    public String toString() {
        return "SocketConnection[" + role + " " + remote + " " + phase + "]";
    }
}
