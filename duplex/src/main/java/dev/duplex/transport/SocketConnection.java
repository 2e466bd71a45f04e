package dev.duplex.transport;

import dev.duplex.internal.ProtocolAccess;
import dev.duplex.metrics.Limit;
import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.DeflateParameters;
import dev.duplex.protocol.LentPart;
import dev.duplex.protocol.PreparedMessage;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.ProtocolException;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.ServerHandshake;
import dev.duplex.protocol.State;
import dev.duplex.protocol.Utf8;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeoutException;

/**
 * One connection on its event loop: the only place where bytes move between a socket and the
 * protocol core. It reads (through TLS when there is a session), feeds the HTTP exchange before the
 * upgrade ({@link HttpPhase}) and the core after it, moves the core's events to the listener (on
 * the loop, or through an {@link EventDispatcher}) and its output to the {@link WriteQueue}, sets
 * the key's interest, arms the handshake and close timers, and tears everything down once. What
 * comes before the channel exists (a client's name lookup, connect, proxy and TLS setup) is the
 * {@link ClientDialer}'s; the keep-alive timers are {@link KeepAlive}'s; sends from other threads
 * wait in a {@link CommandQueue}.
 *
 * <p>Confined to its event loop, except the {@link WsChannel} methods, which may be called from any
 * thread: they read volatile state and post commands.
 */
final class SocketConnection extends ChannelFace implements EventLoop.Handler, EventLoop.Closeable, EventLoop.Flushable {

    private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());
    /** The core's transport hooks (not on its exported API). */
    private static final ProtocolAccess CORE = ProtocolAccess.get();

    private enum Phase { DIALING, TLS, HTTP, OPEN, CLOSED }

    /** Reads per readiness event before yielding to other channels. */
    private static final int MAX_READS = 4;
    /** Queued bytes past which a batch writes before it ends. */
    private static final int EARLY_WRITE = 256 * 1024;

    private final Role role;
    private final ConnectionConfig config;
    /** Null when listeners run on the loop (a server's default). */
    private final EventDispatcher dispatcher;

    // Loop-confined state
    /** The socket's bytes; null while a client is still dialing. */
    private Wire wire;
    /** The layer above's object for this channel (see {@link #attach}). */
    private Object attachment;
    private Phase phase;
    private Connection conn;
    private ChannelListener listener;
    /** The HTTP exchange before the upgrade; null once open. */
    private HttpPhase http;
    /** A client's dialer until it hands the channel over. */
    private ClientDialer dialer;
    /** A client's opening handshake, started once TCP (and TLS) are up. */
    private ClientUpgrade upgrade;
    /** The server's callbacks (the end of the connection is reported to them). */
    private ServerCallbacks callbacks;
    private boolean inBatch;
    /** Whether a flush of this connection waits for the end of the loop's step (EventLoop.deferFlush). */
    private boolean flushDeferred;
    /** Whether this batch delivered parts lent from the read buffer (see onAppBytes). */
    private boolean lentParts;
    private boolean delivering;
    private boolean closeAfterFlush;
    private boolean closedDelivered;
    private Timer handshakeTimer;
    private Timer closeTimer;
    private KeepAlive keepAlive;

    private SocketConnection(EventLoop loop, Role role, ConnectionConfig config) {
        super(loop);
        this.role = role;
        this.config = config;
        this.dispatcher = config.eventExecutor() == null ? null : new EventDispatcher(this, loop, config);
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
            c.handshakeTimer = loop.schedule(c::onHandshakeTimeout, config.nanos(config.handshakeTimeout()));
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
        handshakeTimer = loop.schedule(this::onHandshakeTimeout, config.nanos(config.handshakeTimeout()));
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
            if (keepAlive != null) {
                keepAlive.onRead();
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

    private void onIoFailure(IOException e) {
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
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
        }
        handshakeTimer = loop.schedule(this::onHandshakeTimeout, config.nanos(config.handshakeTimeout()));
    }

    /** Writes the 101 and opens the WebSocket. */
    void upgrade(ServerHandshake.Accepted accepted, ChannelListener l) {
        wire.queue().add(ByteBuffer.wrap(accepted.response().toBytes()), 0);
        // Open first (timers armed, onopen run, its sends queued behind the 101), so nothing the
        // client does after reading the 101 can find the connection half-open.
        open(accepted.subprotocol(), accepted.extensions(), accepted.deflate(), l,
                new OpenInfo(accepted.subprotocol(), accepted.extensions(), 101,
                        HeaderMaps.toMap(accepted.response().headers())));
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
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        keepAlive = KeepAlive.start(loop, this, config);
        deliver(info);
        CommandQueue q = commands;
        if (q != null) {
            q.reschedule();
        }
    }

    /** Moves the core's output to the write queue and its events to the listener; arms close timers. */
    private void pump() {
        if (conn == null) {
            return;
        }
        drainOutbound(0);
        if (!delivering) {
            // A handler that closes or sends while being called re-enters here: its events wait for
            // this loop, so handlers are never nested.
            delivering = true;
            try {
                deliverEvents();
            } finally {
                delivering = false;
            }
            // Polling the last event may have failed the connection (a violation held back until
            // the messages before it were delivered): its close frame goes out now.
            drainOutbound(0);
        }
        updateReadyState(conn.state());
        if (phase == Phase.OPEN && conn.closeExpected() && closeTimer == null) {
            closeTimer = loop.schedule(this::onCloseTimeout, config.nanos(config.closeTimeout()));
        }
        if (conn.shouldCloseTransport()) {
            closeAfterFlush = true;
        }
    }

    private void deliverEvents() {
        ProtocolEvent e;
        while (!(dispatcher != null && CORE.closeHeld(conn) && !dispatcher.idle())
                && (e = conn.pollEvent()) != null) {
            if (e instanceof ProtocolEvent.Closed c) {
                if (closedDelivered) {
                    continue;
                }
                closedDelivered = true;
                countClosed(c);
            } else if (e instanceof ProtocolEvent.TextMessage || e instanceof ProtocolEvent.BinaryMessage
                    || (e instanceof ProtocolEvent.MessagePart p && p.last())) {
                config.metrics().messageReceived();
            }
            if (e instanceof LentPart p) {
                if (dispatcher != null) {
                    // the listener runs later, on another thread: the view would be gone by then
                    e = p.keep();
                } else {
                    lentParts = true;
                }
            }
            deliver(e);
        }
    }

    private void countClosed(ProtocolEvent.Closed c) {
        WebSocketMetrics m = config.metrics();
        m.connectionClosed(c.code().code());
        if (c.cause() instanceof ProtocolException pe) {
            Limit limit = Limit.of(pe.violation());
            if (limit != null) {
                m.limitExceeded(limit);
            }
        }
    }

    private static ByteBuffer copyOf(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).put(b.duplicate()).flip().asReadOnlyBuffer();
    }

    private void drainOutbound(long credit) {
        ByteBuffer b;
        ByteBuffer last = null;
        while ((b = conn.pollOutbound()) != null) {
            if (last != null) {
                wire.queue().add(last, 0);
            }
            last = b;
        }
        if (last != null) {
            wire.queue().add(last, credit);
        } else if (credit != 0) {
            addBuffered(-credit);
        }
        if (wire.queuedBytes() > config.maxBufferedBytes() && conn.state() != State.CLOSED) {
            // WHATWG "flag the WebSocket as full": fail rather than buffer without bound.
            config.metrics().limitExceeded(Limit.SEND_QUEUE);
            config.metrics().slowConsumerClosed();
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "send queue over its limit",
                    new IOException("send queue over " + config.maxBufferedBytes() + " bytes"));
            release(wire.clearQueue(loop.bufferPool()));
            closeAfterFlush = true;
        } else {
            if ((inBatch || flushDeferred) && wire.queuedBytes() > EARLY_WRITE) {
                writeOut(); // do not let a burst of sends pile up until the end of the batch
            }
            if (wire.queuedBytes() > config.writeHighWater()) {
                wire.pauseReading(Wire.PAUSE_WRITES);
            }
        }
    }

    private void updateReadyState(State s) {
        if (s.ordinal() > readyState.ordinal()) {
            readyState = s;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Writing

    @Override
    public void flushDeferred() {
        flushDeferred = false;
        if (!inBatch) {
            flush();
        }
    }

    /** Writes what the socket takes, sets write interest, and closes once drained if the protocol said so. */
    private void flush() {
        if (!writeOut()) {
            return;
        }
        wire.updateWriteInterest();
        if (closeAfterFlush && !wire.pending()) {
            closeSocket();
            return;
        }
        if (wire.pausedFor(Wire.PAUSE_WRITES) && wire.queuedBytes() <= config.writeLowWater()) {
            wire.resumeReading(Wire.PAUSE_WRITES);
        }
    }

    /** Writes what the socket takes; false when the connection is (now) closed. Never closes on success. */
    private boolean writeOut() {
        if (phase == Phase.CLOSED || wire == null || !wire.writable()) {
            return phase != Phase.CLOSED && wire != null;
        }
        try {
            wrote(wire.write(loop.bufferPool()));
            return true;
        } catch (IOException e) {
            if (inBatch) {
                // fail later, outside the batch, where closing is safe
                release(wire.clearQueue(loop.bufferPool()));
                closeAfterFlush = true;
                if (conn != null) {
                    conn.fail(CloseCode.ABNORMAL_CLOSURE, "", e);
                }
                return true;
            }
            onIoFailure(e);
            return false;
        }
    }

    /** Credit of bytes that left (not dropped): out of bufferedAmount, and told to the listener. */
    private void wrote(long credit) {
        if (credit != 0) {
            addBuffered(-credit);
            ChannelListener l = listener;
            if (l != null) {
                try {
                    l.onWritten(this, credit);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "write notification failed", e);
                }
            }
        }
    }

    /** Credit of bytes dropped unwritten: out of bufferedAmount only. */
    private void release(long credit) {
        if (credit != 0) {
            addBuffered(-credit);
        }
    }

    @Override
    public WebSocketMetrics metrics() {
        return config.metrics();
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
    // Delivering events

    private void deliver(Object event) {
        if (dispatcher == null) {
            callListener(event);
        } else if (dispatcher.dispatch(event) && wire != null) {
            wire.pauseReading(Wire.PAUSE_EVENTS);
        }
    }

    /** EventDispatcher, on the loop: the listener is back at the low water mark. */
    void onListenerCaughtUp() {
        if (wire != null && phase != Phase.CLOSED) {
            wire.resumeReading(Wire.PAUSE_EVENTS);
        }
    }

    /** EventDispatcher, on the loop: every event before a held close has been handled. */
    void onDispatcherIdle() {
        pump();
        flush();
    }

    /** Calls the listener (on the loop, or on the dispatcher's executor). */
    void callListener(Object event) {
        ChannelListener l = listener;
        if (l == null) {
            return;
        }
        try {
            if (event instanceof OpenInfo info) {
                l.onOpen(this, info);
            } else {
                l.onEvent(this, (ProtocolEvent) event);
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "WebSocket listener threw", t);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Timers (the keep-alive ones ask through the methods below)

    private void onHandshakeTimeout() {
        handshakeTimer = null;
        if (phase != Phase.OPEN) {
            failConnect(ConnectException.Step.TIMEOUT, "opening handshake timed out", new TimeoutException());
        }
    }

    private void onCloseTimeout() {
        closeTimer = null;
        if (phase == Phase.CLOSED) {
            return;
        }
        // RFC 6455 7.1.1: the peer did not finish the closing handshake in time: drop TCP.
        conn.fail(CloseCode.ABNORMAL_CLOSURE, "", new TimeoutException("closing handshake timed out"));
        pump();
        closeSocket();
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

    /** KeepAlive: no pong (nor any byte) within the pong timeout. */
    void failNoPong() {
        conn.fail(CloseCode.ABNORMAL_CLOSURE, "", new TimeoutException("no pong within the deadline"));
        pump();
        closeSocket();
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
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "", cause);
            pump();
            closeSocket();
        } else {
            failConnect(step, message, cause);
        }
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
    private void closeSocket() {
        if (phase == Phase.CLOSED) {
            return;
        }
        phase = Phase.CLOSED;
        for (Timer t : new Timer[] {handshakeTimer, closeTimer}) {
            if (t != null) {
                t.cancel();
            }
        }
        if (keepAlive != null) {
            keepAlive.cancel();
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
            if (!delivering) {
                deliverEvents();
            } // else the delivering loop further up the stack picks them up
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
        runOnLoop(() -> {
            if (conn != null) {
                conn.streamMessages(on);
            }
        });
    }

    @Override
    public boolean reusesPart(ProtocolEvent.MessagePart part) {
        return loop.inEventLoop() && loop.bufferPool().lends(part);
    }

    /**
     * {@code data}, or a copy when it is direct and this is not this connection's own read batch: a
     * part lent by another connection's read (or a caller's direct buffer) may be queued past the read
     * that lent it. Within the own batch, what is still queued at its end is copied then (onAppBytes).
     */
    @Override
    ByteBuffer lendable(ByteBuffer data) {
        if (data.isDirect() && !(loop.inEventLoop() && inBatch && !hasCommands())) {
            return copyOf(data);
        }
        return data;
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

    @Override
    void runNow(int kind, Object payload, long credit) {
        execute(kind, payload, credit);
        if (!inBatch && !flushDeferred) {
            if (loop.deferFlush(this)) {
                flushDeferred = true; // sent from another connection's handler: see deferFlush
            } else {
                flush();
            }
        }
    }

    @Override
    void runCommands() {
        CommandQueue q = commands;
        if (q == null) {
            return;
        }
        q.beginRun();
        if (conn == null) {
            if (phase == Phase.CLOSED) {
                for (CommandQueue.Command c; (c = q.poll()) != null; ) {
                    release(c.credit());
                }
            }
            return; // opened later: open() reschedules
        }
        boolean any = false;
        for (CommandQueue.Command c; (c = q.poll()) != null; ) {
            execute(c.kind(), c.payload(), c.credit());
            any = true;
        }
        if (any && !inBatch) {
            flush();
        }
    }

    private void execute(int kind, Object payload, long credit) {
        if (conn == null || conn.state() != State.OPEN || phase != Phase.OPEN) {
            release(credit);
            return;
        }
        if (CommandQueue.Command.endsMessage(kind)) {
            config.metrics().messageSent();
        }
        switch (kind) {
            case CommandQueue.Command.TEXT -> conn.sendText((String) payload);
            // WsChannel: unchanged until written
            case CommandQueue.Command.BINARY -> CORE.sendBinaryWithoutCopy(conn, (ByteBuffer) payload);
            case CommandQueue.Command.PREPARED -> conn.sendPrepared((PreparedMessage) payload);
            case CommandQueue.Command.PING -> conn.sendPing((ByteBuffer) payload);
            case CommandQueue.Command.PONG -> conn.sendPong((ByteBuffer) payload);
            default -> {
                if ((kind & CommandQueue.Command.PART) == 0) {
                    throw new AssertionError(kind);
                }
                // WsChannel.sendPart: unchanged until written (a lent view is copied at the batch's end)
                CORE.sendPartWithoutCopy(conn, (kind & CommandQueue.Command.TEXT_PART) != 0, (ByteBuffer) payload,
                        (kind & CommandQueue.Command.LAST_PART) != 0);
            }
        }
        drainOutbound(credit);
        updateReadyState(conn.state());
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
