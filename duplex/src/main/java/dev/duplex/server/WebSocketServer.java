package dev.duplex.server;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.Limits;
import dev.duplex.transport.Clock;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A WebSocket server (RFC 6455, RFC 7692, TLS) that also answers plain HTTP on the same port.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(8080)
 *         .route("/echo", ws -> ws.onmessage(ws::send))
 *         .route("/chat/{room}", ws -> rooms.join(ws.pathParam("room"), ws))
 *         .staticResources("/", "web")             // index.html etc. from the classpath
 *         .build()
 *         .start();
 * }</pre>
 *
 * <p>Threading: one event loop per core; a connection lives on one loop, and its handlers run there
 * (in order, never concurrently, must not block) unless {@link Builder#virtualThreadHandlers(boolean)}
 * moves them to a per-connection serial virtual-thread executor.
 */
public final class WebSocketServer implements AutoCloseable {

    final Builder config;
    private final ServerRuntime runtime;

    private WebSocketServer(Builder config) {
        this.config = config;
        this.runtime = new ServerRuntime(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Binds and starts accepting; returns this. Throws {@link java.io.UncheckedIOException} if the bind fails. */
    public WebSocketServer start() {
        runtime.start();
        return this;
    }

    /** The bound port (the real one when built with port 0); -1 before {@link #start()}. */
    public int port() {
        return runtime.port();
    }

    /** The bound address, or null before {@link #start()}. */
    public InetSocketAddress address() {
        return runtime.address();
    }

    /** The sockets currently open (a live, unmodifiable view, safe to iterate from any thread). */
    public Collection<ServerWebSocket> connections() {
        return runtime.connections();
    }

    /** Bytes accepted for sending and not yet written, summed over the open sockets (a walk over them). */
    public long bufferedAmount() {
        long sum = 0;
        for (ServerWebSocket ws : runtime.connections()) {
            sum += ws.bufferedAmount();
        }
        return sum;
    }

    /**
     * Drains and stops, waiting at most {@code deadline} (blocks; see the README's "Draining"):
     * <ol>
     *   <li>from now on, {@link #draining()} is true and every new upgrade request is answered
     *       {@code 503 Service Unavailable}; the port stays open and plain HTTP routes keep answering,
     *       so a health or readiness check can still tell a load balancer to send clients elsewhere;</li>
     *   <li>every open socket is sent a close frame with 1001 (going away): RFC 6455's code for a
     *       server going down, the one every client knows; whether the process comes back (1012,
     *       service restart, in the IANA registry only) is not the server's to know, and a client
     *       that reconnects treats the two alike;</li>
     *   <li>it waits for the closing handshakes until no socket is open or the deadline passes;</li>
     *   <li>it stops listening and drops what is left (those peers see 1006), then stops the loops.</li>
     * </ol>
     * Idempotent: a second call (or one after {@link #close()}) returns 0 at once.
     *
     * @return how many sockets were still open at the deadline and were dropped
     */
    public int shutdown(Duration deadline) {
        return runtime.shutdown(deadline);
    }

    /** True from the start of {@link #shutdown(Duration)}: the server takes no new WebSockets. */
    public boolean draining() {
        return runtime.draining();
    }

    /** {@link #shutdown(Duration)} with the builder's {@link Builder#shutdownGrace(Duration)}. */
    public void stop() {
        runtime.shutdown(config.shutdownGrace);
    }

    /**
     * Stops at once: stops listening, drops every connection without a closing handshake (peers see
     * 1006) and stops the loops. Blocks until done; idempotent. {@link #shutdown(Duration)} is the
     * graceful form; called while one runs, this ends its wait at once (that call then drops what is
     * left and returns).
     */
    @Override
    public void close() {
        runtime.close();
    }

    /** Server configuration; every setting has a safe default. */
    public static final class Builder {
        int port = 8080;
        InetAddress bindAddress;
        final List<Route> routes = new ArrayList<>();
        final List<HttpRoute> httpRoutes = new ArrayList<>();
        final List<StaticMount> staticMounts = new ArrayList<>();
        SSLContext sslContext;
        Limits limits = Limits.DEFAULTS;
        Duration handshakeTimeout = Duration.ofSeconds(10);
        Duration idleTimeout = Duration.ZERO;
        Duration pingInterval = Duration.ZERO;
        Duration pongTimeout = Duration.ofSeconds(30);
        Duration closeTimeout = Duration.ofSeconds(10);
        Duration shutdownGrace = Duration.ofSeconds(5);
        List<String> subprotocols = List.of();
        boolean deflate = true;
        int compressionThreshold = 64;
        int compressionLevel = java.util.zip.Deflater.DEFAULT_COMPRESSION;
        OriginPolicy originPolicy = OriginPolicy.sameHostOrNone();
        HandshakeHook handshakeHook;
        boolean virtualThreadHandlers;
        long maxBufferedBytes = 64L << 20;
        int threads = 0;
        int backlog = 1024;
        int maxConnections;
        Clock clock = Clock.SYSTEM;
        WebSocketMetrics metrics = WebSocketMetrics.NONE;

        private Builder() {}

        /**
         * Most TCP connections open at once — handshaking, WebSocket or plain HTTP (static files);
         * one more is closed as soon as it is accepted, before anything is read, until one ends.
         * 0 (the default) means no cap; idle connections are also bounded by the handshake and idle
         * timeouts.
         */
        public Builder maxConnections(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("negative connection cap: " + max);
            }
            this.maxConnections = max;
            return this;
        }

        /** TCP port; 0 picks a free one (see {@link WebSocketServer#port()}). Default 8080. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** Address to bind; default all interfaces. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = address;
            return this;
        }

        /** Address to bind, by name or literal (e.g. {@code "127.0.0.1"}). */
        public Builder bindAddress(String address) {
            try {
                this.bindAddress = InetAddress.getByName(address);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("unknown bind address: " + address, e);
            }
            return this;
        }

        /**
         * Accepts WebSocket upgrades on paths matching {@code pattern}: literal segments and
         * {@code {name}} segments that capture one path segment ({@code /chat/{room}}). Routes are
         * tried in the order added.
         */
        public Builder route(String pattern, WebSocketHandler handler) {
            routes.add(new Route(RoutePattern.parse(pattern), Objects.requireNonNull(handler)));
            return this;
        }

        /** Answers plain HTTP requests (any method) on paths matching {@code pattern}. */
        public Builder http(String pattern, HttpHandler handler) {
            httpRoutes.add(new HttpRoute(RoutePattern.parse(pattern), Objects.requireNonNull(handler)));
            return this;
        }

        /** Serves files under {@code directory} at {@code urlPrefix} ({@code GET}/{@code HEAD}; {@code index.html} for folders). */
        public Builder staticFiles(String urlPrefix, Path directory) {
            staticMounts.add(StaticMount.folder(urlPrefix, directory));
            return this;
        }

        /** Serves classpath resources under {@code base} (e.g. {@code "web"}) at {@code urlPrefix}. */
        public Builder staticResources(String urlPrefix, String base) {
            staticMounts.add(StaticMount.classpath(urlPrefix, base, Thread.currentThread().getContextClassLoader()));
            return this;
        }

        /** Serves resources of {@code loader} under {@code base}, for apps that run as modules. */
        public Builder staticResources(String urlPrefix, String base, ClassLoader loader) {
            staticMounts.add(StaticMount.classpath(urlPrefix, base, loader));
            return this;
        }

        /** Serves {@code wss} (and {@code https}) with this context; default plain TCP. */
        public Builder tls(SSLContext context) {
            this.sslContext = context;
            return this;
        }

        /** Limits on what clients may send; default {@link Limits#DEFAULTS}. */
        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits);
            return this;
        }

        /** Time from TCP accept to a complete upgrade request (TLS included) before the socket is dropped; default 10 s. */
        public Builder handshakeTimeout(Duration d) {
            this.handshakeTimeout = positive(d);
            return this;
        }

        /** Closes (1001) a WebSocket that received nothing for this long; zero (default) disables it. */
        public Builder idleTimeout(Duration d) {
            this.idleTimeout = nonNegative(d);
            return this;
        }

        /** Sends a ping after this long without receiving anything; zero (default) disables keep-alive. */
        public Builder pingInterval(Duration d) {
            this.pingInterval = nonNegative(d);
            return this;
        }

        /** With keep-alive: time a ping has to be answered before the connection is dropped (1006); default 30 s. */
        public Builder pongTimeout(Duration d) {
            this.pongTimeout = positive(d);
            return this;
        }

        /** Time a peer has to answer our close frame before TCP is dropped; default 10 s. */
        public Builder closeTimeout(Duration d) {
            this.closeTimeout = positive(d);
            return this;
        }

        /** What the server's connections report to (see {@link WebSocketMetrics}); default none. */
        public Builder metrics(WebSocketMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics);
            return this;
        }

        /** How long {@link WebSocketServer#stop()} waits for closing handshakes; default 5 s. */
        public Builder shutdownGrace(Duration d) {
            this.shutdownGrace = nonNegative(d);
            return this;
        }

        /** Subprotocols the server speaks, in order of preference; the first the client offers is selected. */
        public Builder subprotocols(String... protocols) {
            this.subprotocols = List.of(protocols);
            return this;
        }

        /** Accepts permessage-deflate (RFC 7692) when a client offers it; default true. */
        public Builder permessageDeflate(boolean enabled) {
            this.deflate = enabled;
            return this;
        }

        /** With permessage-deflate: messages shorter than this are sent uncompressed; default 64 bytes. */
        public Builder compressionThreshold(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("threshold must be >= 0");
            }
            this.compressionThreshold = bytes;
            return this;
        }

        /**
         * With permessage-deflate: the zlib level of what the server compresses, 0-9, or -1 for zlib's
         * default (6, the default here too). Level 1 deflates text several times faster for a few
         * percent more bytes on the wire.
         */
        public Builder compressionLevel(int level) {
            dev.duplex.protocol.MessageDeflater.checkLevel(level);
            this.compressionLevel = level;
            return this;
        }

        /** Which {@code Origin}s may connect; default {@link OriginPolicy#sameHostOrNone()}. */
        public Builder originPolicy(OriginPolicy policy) {
            this.originPolicy = Objects.requireNonNull(policy);
            return this;
        }

        /** Shortcut for {@code originPolicy(OriginPolicy.allowList(origins))}. */
        public Builder allowedOrigins(String... origins) {
            return originPolicy(OriginPolicy.allowList(origins));
        }

        /** Inspects each upgrade request and accepts or rejects it; default accept. */
        public Builder handshakeHook(HandshakeHook hook) {
            this.handshakeHook = hook;
            return this;
        }

        /** Runs each connection's handlers on its own serial virtual-thread executor (may block); default off (on the loop). */
        public Builder virtualThreadHandlers(boolean enabled) {
            this.virtualThreadHandlers = enabled;
            return this;
        }

        /** Send-queue hard limit per connection in bytes; past it the connection is dropped (1006). Default 64 MiB. */
        public Builder maxBufferedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBufferedBytes must be positive");
            }
            this.maxBufferedBytes = bytes;
            return this;
        }

        /** Event-loop threads; default one per core. */
        public Builder threads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("threads must be >= 0");
            }
            this.threads = n;
            return this;
        }

        /** The clock for timers (tests use a manual one). */
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * A copy of this configuration: what {@link #build()} keeps, so changing the builder afterwards
         * (or building another server from it) does not change a server already built.
         */
        private Builder snapshot() {
            Builder b = new Builder();
            b.port = port;
            b.bindAddress = bindAddress;
            b.routes.addAll(routes);
            b.httpRoutes.addAll(httpRoutes);
            b.staticMounts.addAll(staticMounts);
            b.sslContext = sslContext;
            b.limits = limits;
            b.handshakeTimeout = handshakeTimeout;
            b.idleTimeout = idleTimeout;
            b.pingInterval = pingInterval;
            b.pongTimeout = pongTimeout;
            b.closeTimeout = closeTimeout;
            b.shutdownGrace = shutdownGrace;
            b.subprotocols = List.copyOf(subprotocols);
            b.deflate = deflate;
            b.compressionThreshold = compressionThreshold;
            b.compressionLevel = compressionLevel;
            b.originPolicy = originPolicy;
            b.handshakeHook = handshakeHook;
            b.virtualThreadHandlers = virtualThreadHandlers;
            b.maxBufferedBytes = maxBufferedBytes;
            b.threads = threads;
            b.backlog = backlog;
            b.maxConnections = maxConnections;
            b.clock = clock;
            b.metrics = metrics;
            return b;
        }

        /** A server with this configuration as it is now (copied: later builder changes do not reach it). */
        public WebSocketServer build() {
            return new WebSocketServer(snapshot());
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + d);
            }
            return d;
        }

        private static Duration nonNegative(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("duration must not be negative: " + d);
            }
            return d;
        }
    }

    record Route(RoutePattern pattern, WebSocketHandler handler) {}

    record HttpRoute(RoutePattern pattern, HttpHandler handler) {}
}
