package dev.duplex.transport;

import dev.duplex.metrics.Limit;
import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.ClientHandshake;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.Headers;
import dev.duplex.protocol.HttpHeadParser;
import dev.duplex.protocol.HttpRequest;
import dev.duplex.protocol.HttpResponse;
import dev.duplex.protocol.PreparedMessage;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.ProtocolException;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.ServerHandshake;
import dev.duplex.protocol.State;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;

/**
 * Binds a {@link SocketChannel}, an optional {@link TlsSession} and, once the opening handshake is
 * done, a protocol {@link Connection}: the only place where bytes move between a socket and the core.
 * Client and server connections share everything after the handshake.
 *
 * <p>Confined to its event loop, except the {@link WsChannel} methods, which may be called from any
 * thread: they read volatile/atomic state and post commands through a lock-free queue (one loop task
 * per burst of commands).
 */
final class SocketConnection implements WsChannel, ServerExchange, EventLoop.Handler, EventLoop.Closeable,
        EventLoop.Flushable {

    private static final System.Logger LOG = System.getLogger(SocketConnection.class.getName());

    private enum Phase { RESOLVING, CONNECTING, PROXY, TLS, HEAD, OPEN, CLOSED }

    private static final int PAUSE_EVENTS = 1;
    private static final int PAUSE_WRITES = 2;
    /** Paused by the layer above (WsChannel.pauseReading): a consumer reading at its own pace. */
    private static final int PAUSE_CONSUMER = 4;
    /** Reads per readiness event before yielding to other channels. */
    private static final int MAX_READS = 4;
    /** Encrypted bytes prepared per flush step. */
    private static final int TLS_BATCH = 64 * 1024;
    /** Queued bytes past which a batch writes before it ends. */
    private static final int EARLY_WRITE = 256 * 1024;

    private final EventLoop loop;
    private final Role role;
    private final ConnectionConfig config;
    /**
     * Null while empty after the 101 (most of a busy server's WebSockets sit idle after the
     * upgrade); made again by the first send. See {@link #queue()}.
     */
    private WriteQueue queue = new WriteQueue();

    // Cross-thread state
    private volatile State readyState = State.CONNECTING;
    private volatile String protocol = "";
    private volatile String extensions = "";
    private volatile InetSocketAddress remote;
    private volatile InetSocketAddress local;
    // A server keeps one of these per open connection, mostly idle: the atomics are plain fields
    // updated through the VarHandles below (not an Atomic* object each), the command queue is made
    // by the first send from another thread, and the loop tasks by their first use.
    /** Application bytes accepted by send and not yet written (bufferedAmount); see BUFFERED. */
    private volatile long buffered;
    /** Sends posted from other threads; null until the first. See {@link #commandQueue()}. */
    private volatile ConcurrentLinkedQueue<Command> commands;
    private volatile boolean commandsScheduled;
    private final ConcurrentLinkedQueue<Object> dispatchQueue;
    private volatile int undelivered;
    private volatile boolean draining;
    /** Set while a held close waits for the dispatcher to handle the events before it. */
    private volatile boolean heldForDispatch;
    /** Loop-confined: the barrier after a held close has passed the executor. */
    private boolean heldReleased;
    /** Created on first use; a benign race may create two equal ones. */
    private Runnable drainTask;
    private Runnable runCommandsTask;

    private static final VarHandle BUFFERED;
    private static final VarHandle COMMANDS;
    private static final VarHandle COMMANDS_SCHEDULED;
    private static final VarHandle UNDELIVERED;
    private static final VarHandle DRAINING;
    private static final VarHandle HELD_FOR_DISPATCH;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            BUFFERED = l.findVarHandle(SocketConnection.class, "buffered", long.class);
            COMMANDS = l.findVarHandle(SocketConnection.class, "commands", ConcurrentLinkedQueue.class);
            COMMANDS_SCHEDULED = l.findVarHandle(SocketConnection.class, "commandsScheduled", boolean.class);
            UNDELIVERED = l.findVarHandle(SocketConnection.class, "undelivered", int.class);
            DRAINING = l.findVarHandle(SocketConnection.class, "draining", boolean.class);
            HELD_FOR_DISPATCH = l.findVarHandle(SocketConnection.class, "heldForDispatch", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // Loop-confined state
    private SocketChannel channel;
    private SelectionKey key;
    /** The layer above's object for this channel (see {@link #attach}). */
    private Object attachment;
    private int readPaused;
    private Phase phase;
    private TlsSession tls;
    private Connection conn;
    private ChannelListener listener;
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
    private Timer keepAliveTimer;
    private long lastRead;
    private boolean readSincePing;
    private long pingSentAt = -1;

    // Server side
    private ServerCallbacks callbacks;
    /** The request parser (server) or the proxy's and then the server's response parser (client). */
    private HttpHeadParser<?> parser;
    private boolean answered;
    private boolean keepAlive;

    // Client side
    private ClientOptions options;
    private ClientHandshake clientHandshake;
    private boolean aborted;

    private SocketConnection(EventLoop loop, Role role, ConnectionConfig config) {
        this.loop = loop;
        this.role = role;
        this.config = config;
        this.dispatchQueue = config.eventExecutor() == null ? null : new ConcurrentLinkedQueue<>();
    }

    // ---------------------------------------------------------------------------------------------
    // Starting: server

    /** Takes over an accepted socket (on {@code loop}). */
    static void serve(EventLoop loop, SocketChannel ch, ConnectionConfig config, SSLContext sslContext,
                      ServerCallbacks callbacks) {
        SocketConnection c = new SocketConnection(loop, Role.SERVER, config);
        c.callbacks = callbacks;
        c.parser = HttpHeadParser.requests(config.limits());
        c.channel = ch;
        try {
            c.remote = (InetSocketAddress) ch.getRemoteAddress();
            c.local = (InetSocketAddress) ch.getLocalAddress();
            c.key = loop.register(ch, SelectionKey.OP_READ, c);
            c.lastRead = loop.clock().nanoTime();
            c.handshakeTimer = loop.schedule(c::onHandshakeTimeout, config.nanos(config.handshakeTimeout()));
            if (sslContext != null) {
                SSLEngine engine = sslContext.createSSLEngine();
                engine.setUseClientMode(false);
                c.tls = new TlsSession(engine);
                TransportMetrics.TLS_SESSIONS.incrementAndGet();
                c.phase = Phase.TLS;
                c.tls.begin();
            } else {
                c.phase = Phase.HEAD;
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not set up an accepted connection", e);
            c.closeSocket();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Starting: client

    static SocketConnection connect(EventLoop loop, ClientOptions o, ChannelListener listener) {
        ConnectionConfig config = new ConnectionConfig(o.limits, o.masks, o.compressionThreshold, o.compressionLevel,
                o.handshakeTimeout, o.closeTimeout, java.time.Duration.ZERO, o.pingInterval, o.pongTimeout,
                o.maxBufferedBytes, Math.max(1 << 20, o.maxBufferedBytes / 4), 1 << 18,
                o.eventExecutor, o.eventHighWater, o.eventLowWater, o.metrics);
        SocketConnection c = new SocketConnection(loop, Role.CLIENT, config);
        c.options = o;
        c.listener = listener;
        c.phase = Phase.RESOLVING;
        String host = stripBrackets(o.host);
        InetSocketAddress proxy = o.proxy;
        // Name resolution blocks: do it off the loop.
        Thread.ofVirtual().name("duplex-resolve").start(() -> {
            InetSocketAddress target = proxy != null
                    ? (proxy.isUnresolved() ? new InetSocketAddress(proxy.getHostString(), proxy.getPort()) : proxy)
                    : new InetSocketAddress(host, o.port);
            loop.execute(() -> {
                if (target.isUnresolved()) {
                    c.failConnect(ConnectException.Step.RESOLVE, "cannot resolve " + target.getHostString(),
                            new java.net.UnknownHostException(target.getHostString()));
                } else {
                    c.startConnect(target);
                }
            });
        });
        return c;
    }

    private void startConnect(InetSocketAddress target) {
        if (aborted || phase == Phase.CLOSED) {
            return;
        }
        try {
            channel = SocketChannel.open();
            TransportMetrics.SOCKETS.incrementAndGet();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            phase = Phase.CONNECTING;
            // the connect (and proxy) timeout holds the handshake timer's place until afterTcp
            handshakeTimer = loop.schedule(() -> failConnect(ConnectException.Step.TIMEOUT,
                    "connect timed out after " + options.connectTimeout.toMillis() + " ms", new TimeoutException()),
                    options.connectTimeout.toNanos());
            boolean connected = channel.connect(target);
            key = loop.register(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            if (connected) {
                onConnected();
            }
        } catch (IOException | RuntimeException e) {
            failConnect(ConnectException.Step.CONNECT, "cannot connect to " + target + ": " + e.getMessage(), e);
        }
    }

    private void finishConnect() {
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            failConnect(ConnectException.Step.CONNECT, "cannot connect: " + e.getMessage(), e);
            return;
        }
        setInterest(SelectionKey.OP_READ);
        onConnected();
    }

    private void onConnected() {
        try {
            remote = (InetSocketAddress) channel.getRemoteAddress();
            local = (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            failConnect(ConnectException.Step.CONNECT, "connection lost", e);
            return;
        }
        if (options.proxy != null) {
            phase = Phase.PROXY;
            parser = HttpHeadParser.responses(config.limits());
            String authority = authority(stripBrackets(options.host), options.port);
            StringBuilder req = new StringBuilder("CONNECT ").append(authority).append(" HTTP/1.1\r\nHost: ")
                    .append(authority).append("\r\n");
            if (options.proxyAuthorization != null) {
                req.append("Proxy-Authorization: ").append(options.proxyAuthorization).append("\r\n");
            }
            req.append("\r\n");
            queue().add(ByteBuffer.wrap(req.toString().getBytes(StandardCharsets.ISO_8859_1)), 0);
            flush();
        } else {
            afterTcp();
        }
    }

    private void afterTcp() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel(); // the connect timeout
            handshakeTimer = null;
        }
        handshakeTimer = loop.schedule(this::onHandshakeTimeout, options.handshakeTimeout.toNanos());
        lastRead = loop.clock().nanoTime();
        if (options.secure) {
            try {
                SSLContext ctx = options.sslContext != null ? options.sslContext : SSLContext.getDefault();
                String host = stripBrackets(options.host);
                SSLEngine engine = ctx.createSSLEngine(host, options.port);
                engine.setUseClientMode(true);
                SSLParameters p = engine.getSSLParameters();
                // RFC 6125 hostname verification, as HTTPS does; never off by default.
                p.setEndpointIdentificationAlgorithm("HTTPS");
                if (!isIpLiteral(host)) {
                    p.setServerNames(List.of(new SNIHostName(host)));
                }
                engine.setSSLParameters(p);
                tls = new TlsSession(engine);
                TransportMetrics.TLS_SESSIONS.incrementAndGet();
                phase = Phase.TLS;
                tls.begin();
                flush();
            } catch (NoSuchAlgorithmException | SSLException | RuntimeException e) {
                failConnect(ConnectException.Step.TLS, "TLS setup failed: " + e.getMessage(), e);
            }
        } else {
            sendUpgradeRequest();
        }
    }

    private void sendUpgradeRequest() {
        try {
            Headers.Builder h = Headers.builder();
            options.headers.forEach((name, values) -> values.forEach(v -> h.add(name, v)));
            clientHandshake = ClientHandshake.create(options.uri, options.subprotocols, options.offerDeflate,
                    h.build(), options.masks);
        } catch (RuntimeException e) {
            failConnect(ConnectException.Step.HANDSHAKE, "cannot build the handshake request: " + e.getMessage(), e);
            return;
        }
        phase = Phase.HEAD;
        parser = HttpHeadParser.responses(config.limits());
        queue().add(ByteBuffer.wrap(clientHandshake.toBytes()), 0);
        flush();
    }

    // ---------------------------------------------------------------------------------------------
    // I/O readiness

    @Override
    public void onReady(SelectionKey k) {
        if (!k.isValid()) {
            return;
        }
        int ready = k.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
        }
        if ((ready & SelectionKey.OP_WRITE) != 0 && phase != Phase.CLOSED) {
            flush();
        }
        if ((ready & SelectionKey.OP_READ) != 0 && phase != Phase.CLOSED) {
            onReadable();
        }
    }

    private void onReadable() {
        for (int i = 0; i < MAX_READS && phase != Phase.CLOSED && readPaused == 0; i++) {
            ByteBuffer buf = loop.readBuffer();
            int n;
            try {
                n = channel.read(buf);
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
            config.metrics().bytesReceived(n);
            lastRead = loop.clock().nanoTime();
            readSincePing = true;
            buf.flip();
            onBytes(buf);
            if (n < buf.capacity()) {
                return;
            }
        }
    }

    /** Raw network bytes: to the proxy parser, through TLS, or straight to the application layer. */
    private void onBytes(ByteBuffer buf) {
        if (phase == Phase.PROXY) {
            onProxyBytes(buf);
            if (!buf.hasRemaining() || phase == Phase.PROXY || phase == Phase.CLOSED) {
                return;
            }
        }
        if (tls == null) {
            onAppBytes(buf);
            return;
        }
        try {
            tls.unwrap(buf);
        } catch (SSLException e) {
            onTlsFailure(e);
            return;
        }
        if (phase == Phase.TLS && tls.handshakeDone()) {
            if (role == Role.CLIENT) {
                sendUpgradeRequest();
            } else {
                phase = Phase.HEAD;
            }
        }
        ByteBuffer app = tls.appIn().flip();
        try {
            if (app.hasRemaining()) {
                onAppBytes(app);
            } else {
                flush(); // handshake messages
            }
        } finally {
            if (tls != null && phase != Phase.CLOSED) {
                tls.appIn().compact();
            }
        }
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
                } else if (phase == Phase.HEAD && !closeAfterFlush) {
                    if (role == Role.SERVER) {
                        onRequestBytes(in);
                    } else {
                        onResponseBytes(in);
                    }
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
            if (queue != null) {
                queue.detachDirect(loop.bufferPool());
            }
        }
    }

    private void onEof() {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (conn != null) {
            conn.receiveEof();
            pump();
        } else if (role == Role.CLIENT) {
            failConnect(phase == Phase.PROXY ? ConnectException.Step.PROXY : ConnectException.Step.HANDSHAKE,
                    "the server closed the connection during the opening handshake",
                    new EOFException("connection closed"));
            return;
        }
        closeSocket();
    }

    private void onIoFailure(IOException e) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (conn != null) {
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "", e);
            pump();
            closeSocket();
        } else if (role == Role.CLIENT) {
            failConnect(ConnectException.Step.CONNECT, "I/O error: " + e.getMessage(), e);
        } else {
            closeSocket();
        }
    }

    private void onTlsFailure(SSLException e) {
        LOG.log(Level.DEBUG, "TLS failure", e);
        if (conn != null) {
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "", e);
            pump();
        } else if (role == Role.CLIENT) {
            // Let the alert go out, best effort, then report.
            writeNetOutQuietly();
            failConnect(ConnectException.Step.TLS, "TLS handshake failed: " + e.getMessage(), e);
            return;
        }
        writeNetOutQuietly();
        closeSocket();
    }

    // ---------------------------------------------------------------------------------------------
    // Opening handshake: server

    @SuppressWarnings("unchecked")
    private HttpHeadParser<HttpRequest> requestParser() {
        return (HttpHeadParser<HttpRequest>) parser;
    }

    @SuppressWarnings("unchecked")
    private HttpHeadParser<HttpResponse> responseParser() {
        return (HttpHeadParser<HttpResponse>) parser;
    }

    private void onRequestBytes(ByteBuffer in) {
        HttpRequest request;
        try {
            request = requestParser().parse(in);
        } catch (HandshakeException e) {
            in.position(in.limit());
            reject(e.toResponse());
            return;
        }
        if (request == null) {
            return;
        }
        String length = request.header("Content-Length");
        if ((length != null && !length.trim().equals("0")) || request.headers().contains("Transfer-Encoding")) {
            in.position(in.limit());
            reject(HttpResponse.text(413, "Request bodies are not accepted here.\n"));
            return;
        }
        String connection = request.header("Connection");
        keepAlive = request.version().equals("HTTP/1.1")
                ? !request.headers().containsToken("Connection", "close")
                : connection != null && request.headers().containsToken("Connection", "keep-alive");
        answered = false;
        try {
            callbacks.onRequest(request, this);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "request handler failed", e);
            if (!answered) {
                reject(HttpResponse.text(500, "Internal Server Error\n"));
            }
        }
        if (!answered) {
            reject(HttpResponse.text(500, "Internal Server Error\n"));
        }
    }

    @Override
    public void upgrade(ServerHandshake.Accepted accepted, ChannelListener l) {
        checkAnswer();
        queue().add(ByteBuffer.wrap(accepted.response().toBytes()), 0);
        // Open first (timers armed, onopen run, its sends queued behind the 101), so nothing the
        // client does after reading the 101 can find the connection half-open.
        open(accepted.subprotocol(), accepted.extensions(), accepted.deflate(), l,
                new OpenInfo(accepted.subprotocol(), accepted.extensions(), 101,
                        HeaderMaps.toMap(accepted.response().headers())));
        if (inBatch && tls == null && phase == Phase.OPEN) {
            // The 101 usually leaves at once; then the queue goes, as most WebSockets of a busy
            // server sit idle after the upgrade (the first send makes a new one).
            try {
                writeQueue();
            } catch (IOException e) {
                // still queued: the flush after this batch meets the error and fails the connection
            }
            if (queue.isEmpty()) {
                queue = null;
            }
        }
    }

    @Override
    public void respond(HttpResponse response, boolean headOnly) {
        checkAnswer();
        byte[] bytes = response.toBytes();
        if (headOnly) {
            bytes = Arrays.copyOf(bytes, bytes.length - response.body().length);
        }
        queue().add(ByteBuffer.wrap(bytes), 0);
        if (keepAlive) {
            requestParser().reset();
            // the next request (or upgrade) gets a full handshake timeout of its own
            if (handshakeTimer != null) {
                handshakeTimer.cancel();
            }
            handshakeTimer = loop.schedule(this::onHandshakeTimeout, config.nanos(config.handshakeTimeout()));
        } else {
            closeAfterFlush = true;
        }
        if (!inBatch) {
            flush();
        }
    }

    @Override
    public void reject(HttpResponse response) {
        answered = true;
        config.metrics().handshakeRejected(response.status());
        queue().add(ByteBuffer.wrap(response.toBytes()), 0);
        closeAfterFlush = true;
        if (!inBatch) {
            flush();
        }
    }

    private void checkAnswer() {
        if (answered) {
            throw new IllegalStateException("request already answered");
        }
        answered = true;
    }

    @Override
    public boolean secure() {
        return tls != null;
    }

    @Override
    public WsChannel channel() {
        return this;
    }

    // ---------------------------------------------------------------------------------------------
    // Opening handshake: client

    private void onProxyBytes(ByteBuffer in) {
        HttpResponse response;
        try {
            response = responseParser().parse(in);
        } catch (HandshakeException e) {
            failConnect(ConnectException.Step.PROXY, "malformed proxy response: " + e.getMessage(), e);
            return;
        }
        if (response == null) {
            return;
        }
        if (response.status() / 100 != 2) {
            failConnect(ConnectException.Step.PROXY, "proxy refused CONNECT: " + response.status() + " "
                    + response.reason(), null);
            return;
        }
        afterTcp();
    }

    private void onResponseBytes(ByteBuffer in) {
        HttpResponse response;
        ClientHandshake.Result result;
        try {
            response = responseParser().parse(in);
            if (response == null) {
                return;
            }
            result = clientHandshake.verify(response);
        } catch (HandshakeException e) {
            in.position(in.limit());
            failConnect(ConnectException.Step.HANDSHAKE, e.getMessage(), e);
            return;
        }
        parser = null;
        open(result.subprotocol(), result.extensions(), result.deflate(), listener,
                new OpenInfo(result.subprotocol(), result.extensions(), response.status(),
                        HeaderMaps.toMap(response.headers())));
    }

    // ---------------------------------------------------------------------------------------------
    // Open

    private void open(String subprotocol, String ext, dev.duplex.protocol.DeflateParameters deflate,
                      ChannelListener l, OpenInfo info) {
        // The loop's pool: frames and lent parts are reused across its connections (issue 7), and
        // every buffer polled from conn goes back to it once written or dropped.
        conn = new Connection(role, config.limits(), config.masks(), deflate, config.compressionThreshold(),
                config.compressionLevel(), loop.bufferPool());
        if (dispatchQueue != null) {
            // listeners on another thread may still be answering earlier messages (dispatcherIdle)
            conn.holdCloseUntilPolled();
        }
        TransportMetrics.CONNECTIONS.incrementAndGet();
        config.metrics().connectionOpened();
        listener = l;
        protocol = subprotocol == null ? "" : subprotocol;
        extensions = ext == null ? "" : ext;
        phase = Phase.OPEN;
        readyState = State.OPEN;
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        parser = null;
        readSincePing = false;
        scheduleKeepAlive();
        deliver(info);
        if (hasCommands()) {
            loop.execute(runCommandsTask());
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
        while (!(dispatchQueue != null && conn.closeHeld() && !dispatcherIdle())
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
            if (e instanceof ProtocolEvent.MessagePart p && p.data().isDirect()) {
                if (dispatchQueue != null) {
                    // the listener runs later, on another thread: the view would be gone by then
                    e = new ProtocolEvent.MessagePart(p.text(), copyOf(p.data()), p.first(), p.last());
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
                queue().add(last, 0);
            }
            last = b;
        }
        if (last != null) {
            queue().add(last, credit);
        } else if (credit != 0) {
            addBuffered(-credit);
        }
        if (queuedBytes() > config.maxBufferedBytes() && conn.state() != State.CLOSED) {
            // WHATWG "flag the WebSocket as full": fail rather than buffer without bound.
            config.metrics().limitExceeded(Limit.SEND_QUEUE);
            config.metrics().slowConsumerClosed();
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "send queue over its limit",
                    new IOException("send queue over " + config.maxBufferedBytes() + " bytes"));
            release(queue == null ? 0 : queue.clear(loop.bufferPool()));
            closeAfterFlush = true;
        } else {
            if ((inBatch || flushDeferred) && queuedBytes() > EARLY_WRITE) {
                writeOut(); // do not let a burst of sends pile up until the end of the batch
            }
            if (queuedBytes() > config.writeHighWater()) {
                pauseReading(PAUSE_WRITES);
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

    private WriteQueue queue() {
        WriteQueue q = queue;
        return q != null ? q : (queue = new WriteQueue());
    }

    private boolean queueEmpty() {
        return queue == null || queue.isEmpty();
    }

    private long queuedBytes() {
        return queue == null ? 0 : queue.bytes();
    }

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
        boolean pending = !queueEmpty() || (tls != null && tls.pendingNetBytes() > 0);
        if (pending) {
            setInterest(interestOps() | SelectionKey.OP_WRITE);
        } else {
            setInterest(interestOps() & ~SelectionKey.OP_WRITE);
            if (closeAfterFlush) {
                closeSocket();
                return;
            }
        }
        if ((readPaused & PAUSE_WRITES) != 0 && queuedBytes() <= config.writeLowWater()) {
            resumeReading(PAUSE_WRITES);
        }
    }

    /** Writes what the socket takes; false when the connection is (now) closed. Never closes on success. */
    private boolean writeOut() {
        if (phase == Phase.CLOSED || channel == null || !channel.isConnected()) {
            return phase != Phase.CLOSED && channel != null;
        }
        try {
            if (tls != null) {
                flushTls();
            } else if (!queueEmpty()) {
                writeQueue();
            }
            return true;
        } catch (IOException e) {
            if (inBatch) {
                // fail later, outside the batch, where closing is safe
                release(queue == null ? 0 : queue.clear(loop.bufferPool()));
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

    /** Writes what the socket takes of the queue (plain TCP). */
    private void writeQueue() throws IOException {
        long before = queue.bytes();
        try {
            wrote(queue.writeTo(channel, loop.bufferPool()));
        } finally {
            config.metrics().bytesSent(before - queue.bytes());
        }
    }

    private void flushTls() throws IOException {
        while (true) {
            writeNetOut();
            if (tls.pendingNetBytes() > 0 || queueEmpty() || !tls.handshakeDone()) {
                return;
            }
            long before = queuedBytes();
            wrote(queue.wrapTo(tls, TLS_BATCH, loop.bufferPool()));
            if (queuedBytes() == before && tls.pendingNetBytes() == 0) {
                return;
            }
        }
    }

    private void writeNetOut() throws IOException {
        ByteBuffer out = tls.netOut();
        if (out.position() == 0) {
            return;
        }
        out.flip();
        try {
            config.metrics().bytesSent(channel.write(out));
        } finally {
            out.compact();
        }
    }

    private void writeNetOutQuietly() {
        try {
            if (tls != null && channel != null && channel.isOpen()) {
                writeNetOut();
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
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

    private void release(long credit) {
        if (credit != 0) {
            addBuffered(-credit);
        }
    }

    /**
     * Sets the key's interest set when it changes. The key is the only copy of it (a server keeps
     * one connection per idle socket: no field for what the key already holds); reading it is a
     * plain field read, setting it queues a selector update, so it is only set on a change.
     */
    private void setInterest(int ops) {
        SelectionKey k = key;
        if (k != null && k.isValid() && k.interestOps() != ops) {
            k.interestOps(ops);
        }
    }

    private int interestOps() {
        SelectionKey k = key;
        return k != null && k.isValid() ? k.interestOps() : 0;
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

    private void pauseReading(int reason) {
        if (readPaused == 0) {
            setInterest(interestOps() & ~SelectionKey.OP_READ);
        }
        readPaused |= reason;
    }

    private void resumeReading(int reason) {
        if ((readPaused & reason) == 0) {
            return;
        }
        readPaused &= ~reason;
        if (readPaused == 0 && phase != Phase.CLOSED) {
            setInterest(interestOps() | SelectionKey.OP_READ);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Delivering events

    private void deliver(Object event) {
        if (dispatchQueue == null) {
            callListener(event);
            return;
        }
        int ignored = (int) UNDELIVERED.getAndAdd(this, 1);
        dispatchQueue.add(event);
        if (DRAINING.compareAndSet(this, false, true)) {
            Runnable t = drainTask;
            if (t == null) {
                drainTask = t = this::drainDispatchQueue;
            }
            config.eventExecutor().execute(t);
        }
        if (undelivered > config.eventHighWater()) {
            pauseReading(PAUSE_EVENTS);
        }
    }

    /**
     * Whether a held close may be taken now. With listeners on an executor it waits until the
     * executor has handled every event handed to it and then run one more task (a barrier): a
     * serial executor runs that after whatever the listeners queued on it (the client's own event
     * tasks), so what they sent in answer to the last messages is queued before the close frame.
     */
    private boolean dispatcherIdle() {
        if (heldReleased) {
            return true;
        }
        heldForDispatch = true;
        if (undelivered == 0 && HELD_FOR_DISPATCH.compareAndSet(this, true, false)) {
            postDispatchBarrier();
        }
        return false;
    }

    /** Any thread. */
    private void postDispatchBarrier() {
        config.eventExecutor().execute(() -> loop.execute(() -> {
            heldReleased = true;
            pump();
            flush();
        }));
    }

    /** Runs on the event executor: one burst of events, in order, never concurrently with another burst. */
    private void drainDispatchQueue() {
        while (true) {
            Object e;
            while ((e = dispatchQueue.poll()) != null) {
                callListener(e);
                int left = (int) UNDELIVERED.getAndAdd(this, -1) - 1;
                if (left == 0 && HELD_FOR_DISPATCH.compareAndSet(this, true, false)) {
                    postDispatchBarrier();
                }
                if (left == config.eventLowWater()) {
                    loop.execute(() -> {
                        if (undelivered <= config.eventLowWater()) {
                            resumeReading(PAUSE_EVENTS);
                        }
                    });
                }
            }
            draining = false;
            if (dispatchQueue.isEmpty() || !DRAINING.compareAndSet(this, false, true)) {
                return;
            }
        }
    }

    private void callListener(Object event) {
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
    // Timers

    private void onHandshakeTimeout() {
        handshakeTimer = null;
        if (phase == Phase.OPEN || phase == Phase.CLOSED) {
            return;
        }
        if (role == Role.CLIENT) {
            failConnect(ConnectException.Step.TIMEOUT, "opening handshake timed out", new TimeoutException());
        } else {
            closeSocket();
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

    private void scheduleKeepAlive() {
        long idle = config.nanos(config.idleTimeout());
        long ping = config.nanos(config.pingInterval());
        if (idle <= 0 && ping <= 0) {
            return;
        }
        long now = loop.clock().nanoTime();
        long next = Long.MAX_VALUE;
        if (idle > 0) {
            next = Math.min(next, lastRead + idle - now);
        }
        if (ping > 0) {
            next = Math.min(next, pingSentAt >= 0 ? pingSentAt + config.nanos(config.pongTimeout()) - now
                    : lastRead + ping - now);
        }
        keepAliveTimer = loop.schedule(this::onKeepAliveTimer, Math.max(0, next));
    }

    private void onKeepAliveTimer() {
        keepAliveTimer = null;
        if (phase != Phase.OPEN || conn.state() != State.OPEN) {
            return;
        }
        long now = loop.clock().nanoTime();
        long idle = config.nanos(config.idleTimeout());
        long ping = config.nanos(config.pingInterval());
        if (idle > 0 && now - lastRead >= idle) {
            conn.sendClose(CloseCode.GOING_AWAY, "idle timeout");
            pump();
            flush();
            return;
        }
        if (ping > 0) {
            if (pingSentAt >= 0) {
                if (readSincePing) {
                    pingSentAt = -1;
                } else if (now - pingSentAt >= config.nanos(config.pongTimeout())) {
                    conn.fail(CloseCode.ABNORMAL_CLOSURE, "", new TimeoutException("no pong within the deadline"));
                    pump();
                    closeSocket();
                    return;
                }
            }
            if (pingSentAt < 0 && now - lastRead >= ping) {
                conn.sendPing(ByteBuffer.allocate(0));
                pingSentAt = now;
                readSincePing = false;
                pump();
                flush();
            }
        }
        scheduleKeepAlive();
    }

    // ---------------------------------------------------------------------------------------------
    // Ending

    private void failConnect(ConnectException.Step step, String message, Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (!closedDelivered) {
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
        for (Timer t : new Timer[] {handshakeTimer, closeTimer, keepAliveTimer}) {
            if (t != null) {
                t.cancel();
            }
        }
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            if (tls != null && conn != null) {
                tls.closeOutbound();
                writeNetOutQuietly();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            TransportMetrics.SOCKETS.decrementAndGet();
        }
        if (tls != null) {
            tls.release();
            TransportMetrics.TLS_SESSIONS.decrementAndGet();
        }
        release(queue == null ? 0 : queue.clear(loop.bufferPool()));
        ConcurrentLinkedQueue<Command> q = commands;
        Command c;
        while (q != null && (c = q.poll()) != null) {
            release(c.credit);
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
        if (phase == Phase.CLOSED) {
            return;
        }
        if (conn != null) {
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "", new IOException("event loop stopped"));
            pump();
            closeSocket();
        } else if (role == Role.CLIENT) {
            failConnect(ConnectException.Step.ABORTED, "event loop stopped", null);
        } else {
            closeSocket();
        }
    }

    // ---------------------------------------------------------------------------------------------
    // WsChannel: any thread

    @Override
    public State readyState() {
        return readyState;
    }

    @Override
    public long bufferedAmount() {
        return buffered;
    }

    @Override
    public String protocol() {
        return protocol;
    }

    @Override
    public String extensions() {
        return extensions;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public boolean sendText(String text) {
        return submit(Command.TEXT, text, utf8Length(text));
    }

    @Override
    public boolean sendBinary(ByteBuffer data) {
        ByteBuffer d = lendable(data);
        return submit(Command.BINARY, d, d.remaining());
    }

    @Override
    public boolean sendPrepared(PreparedMessage message) {
        return submit(Command.PREPARED, message, message.length());
    }

    @Override
    public boolean sendPing(ByteBuffer payload) {
        checkControl(payload);
        return submit(Command.PING, payload, 0);
    }

    @Override
    public void streamMessages(boolean on) {
        runOnLoop(() -> {
            if (conn != null) {
                conn.streamMessages(on);
            }
        });
    }

    @Override
    public boolean sendPart(boolean text, ByteBuffer data, boolean last) {
        int kind = Command.PART | (text ? Command.TEXT_PART : 0) | (last ? Command.LAST_PART : 0);
        ByteBuffer part = lendable(data);
        return submit(kind, part, part.remaining());
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
    private ByteBuffer lendable(ByteBuffer data) {
        if (data.isDirect() && !(loop.inEventLoop() && inBatch && !hasCommands())) {
            return copyOf(data);
        }
        return data;
    }

    @Override
    public boolean sendPong(ByteBuffer payload) {
        checkControl(payload);
        return submit(Command.PONG, payload, 0);
    }

    @Override
    public void close(CloseCode code, String reason) {
        if (code != null && !code.isSendable()) {
            throw new IllegalArgumentException("close code may not be sent: " + code);
        }
        if (reason != null && !reason.isEmpty() && (code == null
                || reason.getBytes(StandardCharsets.UTF_8).length > 123)) {
            throw new IllegalArgumentException("a close reason needs a code and at most 123 UTF-8 bytes");
        }
        if (readyState == State.OPEN) {
            readyState = State.CLOSING;
        }
        runOnLoop(() -> doClose(code, reason));
    }

    @Override
    public void abort(Throwable cause) {
        runOnLoop(() -> doAbort(cause));
    }

    @Override
    public void pauseReading() {
        runOnLoop(() -> pauseReading(PAUSE_CONSUMER));
    }

    @Override
    public void resumeReading() {
        // Bytes already waiting in the socket are reported by the next select (level-triggered).
        runOnLoop(() -> resumeReading(PAUSE_CONSUMER));
    }

    private void runOnLoop(Runnable r) {
        if (loop.inEventLoop()) {
            r.run();
        } else {
            loop.execute(r);
        }
    }

    private void doClose(CloseCode code, String reason) {
        if (phase == Phase.CLOSED) {
            return;
        }
        if (phase != Phase.OPEN) {
            doAbort(new IOException("closed before the connection opened"));
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

    private void doAbort(Throwable cause) {
        if (phase == Phase.CLOSED) {
            return;
        }
        aborted = true;
        if (conn != null) {
            conn.fail(CloseCode.ABNORMAL_CLOSURE, "", cause);
            pump();
            closeSocket();
        } else if (role == Role.CLIENT) {
            failConnect(ConnectException.Step.ABORTED, "connection attempt aborted", cause);
        } else {
            closeSocket();
        }
    }

    private boolean submit(int kind, Object payload, long credit) {
        if (readyState != State.OPEN) {
            return false;
        }
        addBuffered(credit);
        if (loop.inEventLoop() && !hasCommands()) {
            execute(kind, payload, credit);
            if (!inBatch && !flushDeferred) {
                if (loop.deferFlush(this)) {
                    flushDeferred = true; // sent from another connection's handler: see deferFlush
                } else {
                    flush();
                }
            }
        } else {
            commandQueue().add(new Command(kind, payload, credit));
            if (COMMANDS_SCHEDULED.compareAndSet(this, false, true)) {
                loop.execute(runCommandsTask());
            }
        }
        return true;
    }

    /** Any thread. */
    private void addBuffered(long delta) {
        long ignored = (long) BUFFERED.getAndAdd(this, delta);
    }

    /** Any thread: the queue of sends posted from other threads, made by the first of them. */
    @SuppressWarnings("unchecked")
    private ConcurrentLinkedQueue<Command> commandQueue() {
        ConcurrentLinkedQueue<Command> q = commands;
        if (q == null) {
            ConcurrentLinkedQueue<Command> fresh = new ConcurrentLinkedQueue<>();
            q = (ConcurrentLinkedQueue<Command>) COMMANDS.compareAndExchange(this, null, fresh);
            if (q == null) {
                q = fresh;
            }
        }
        return q;
    }

    private boolean hasCommands() {
        ConcurrentLinkedQueue<Command> q = commands;
        return q != null && !q.isEmpty();
    }

    private Runnable runCommandsTask() {
        Runnable t = runCommandsTask;
        if (t == null) {
            runCommandsTask = t = this::runCommands;
        }
        return t;
    }

    private void runCommands() {
        commandsScheduled = false;
        ConcurrentLinkedQueue<Command> q = commands;
        if (q == null) {
            return;
        }
        if (conn == null) {
            if (phase == Phase.CLOSED) {
                Command c;
                while ((c = q.poll()) != null) {
                    release(c.credit);
                }
            }
            return; // opened later: open() reschedules
        }
        Command c;
        boolean any = false;
        while ((c = q.poll()) != null) {
            execute(c.kind, c.payload, c.credit);
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
        if (Command.endsMessage(kind)) {
            config.metrics().messageSent();
        }
        switch (kind) {
            case Command.TEXT -> conn.sendText((String) payload);
            case Command.BINARY -> conn.sendBinaryWithoutCopy((ByteBuffer) payload); // WsChannel: unchanged until written
            case Command.PREPARED -> conn.sendPrepared((PreparedMessage) payload);
            case Command.PING -> conn.sendPing((ByteBuffer) payload);
            case Command.PONG -> conn.sendPong((ByteBuffer) payload);
            default -> {
                if ((kind & Command.PART) == 0) {
                    throw new AssertionError(kind);
                }
                // WsChannel.sendPart: unchanged until written (a lent view is copied at the batch's end)
                conn.sendPartWithoutCopy((kind & Command.TEXT_PART) != 0, (ByteBuffer) payload,
                        (kind & Command.LAST_PART) != 0);
            }
        }
        drainOutbound(credit);
        updateReadyState(conn.state());
    }

    private static void checkControl(ByteBuffer payload) {
        if (payload.remaining() > 125) {
            throw new IllegalArgumentException("control frame payload longer than 125 bytes");
        }
    }

    /** UTF-8 length of {@code s} without encoding it (lone surrogates count as one '?' byte, as the encoder writes). */
    static long utf8Length(String s) {
        long n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String authority(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
    }

    @Override
    public String toString() {
        return "SocketConnection[" + role + " " + remote + " " + phase + "]";
    }

    /** A send posted from another thread. */
    private record Command(int kind, Object payload, long credit) {
        static final int TEXT = 0;
        static final int BINARY = 1;
        static final int PREPARED = 2;
        static final int PING = 3;
        static final int PONG = 4;
        /** Message parts: PART plus TEXT_PART when text, plus LAST_PART when the last. */
        static final int PART = 8;
        static final int TEXT_PART = 1;
        static final int LAST_PART = 2;

        /** A whole message, or the last part of one (a streamed message counts once). */
        static boolean endsMessage(int kind) {
            return kind <= PREPARED || ((kind & PART) != 0 && (kind & LAST_PART) != 0);
        }
    }
}
