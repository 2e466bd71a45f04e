package dev.duplex.transport;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * Everything one client connection attempt needs. Immutable; build with {@link #builder(URI)}.
 * The caller (the browser-shaped {@code WebSocket}) has already validated the URL and subprotocols.
 */
public final class ClientOptions {

    final URI uri;
    final String host;
    final int port;
    final boolean secure;
    final String requestTarget;
    final List<String> subprotocols;
    final Map<String, List<String>> headers;
    final SSLContext sslContext;
    final InetSocketAddress proxy;
    final String proxyAuthorization;
    final Duration connectTimeout;
    final Duration handshakeTimeout;
    final Duration closeTimeout;
    final Duration pingInterval;
    final Duration pongTimeout;
    final boolean offerDeflate;
    final int compressionThreshold;
    final int compressionLevel;
    final Limits limits;
    final long maxBufferedBytes;
    final Executor eventExecutor;
    final int eventHighWater;
    final int eventLowWater;
    final MaskSource masks;
    final WebSocketMetrics metrics;

    private ClientOptions(Builder b) {
        this.uri = b.uri;
        String scheme = b.uri.getScheme().toLowerCase(Locale.ROOT);
        this.secure = scheme.equals("wss") || scheme.equals("https");
        this.host = b.uri.getHost();
        this.port = b.uri.getPort() != -1 ? b.uri.getPort() : (secure ? 443 : 80);
        String path = b.uri.getRawPath() == null || b.uri.getRawPath().isEmpty() ? "/" : b.uri.getRawPath();
        this.requestTarget = b.uri.getRawQuery() == null ? path : path + "?" + b.uri.getRawQuery();
        this.subprotocols = List.copyOf(b.subprotocols);
        Map<String, List<String>> h = new LinkedHashMap<>();
        b.headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        this.headers = java.util.Collections.unmodifiableMap(h);
        this.sslContext = b.sslContext;
        this.proxy = b.proxy;
        this.proxyAuthorization = b.proxyAuthorization;
        this.connectTimeout = b.connectTimeout;
        this.handshakeTimeout = b.handshakeTimeout;
        this.closeTimeout = b.closeTimeout;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.offerDeflate = b.offerDeflate;
        this.compressionThreshold = b.compressionThreshold;
        this.compressionLevel = b.compressionLevel;
        this.limits = b.limits;
        this.maxBufferedBytes = b.maxBufferedBytes;
        this.eventExecutor = b.eventExecutor;
        this.eventHighWater = b.eventHighWater;
        this.eventLowWater = b.eventLowWater;
        this.masks = b.masks;
        this.metrics = b.metrics;
    }

    /** Starts options for {@code uri}: scheme {@code ws} or {@code wss} (also {@code http}/{@code https}), with a host. */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    public URI uri() { return uri; }
    public String host() { return host; }
    public int port() { return port; }
    public boolean secure() { return secure; }
    /** The request-target of the handshake's request line: path (at least {@code /}) and query. */
    public String requestTarget() { return requestTarget; }
    public List<String> subprotocols() { return subprotocols; }
    public Map<String, List<String>> headers() { return headers; }

    /**
     * The per-connection settings of a client connection: no idle timeout (keep-alive pings instead),
     * reading paused when a quarter of the send queue's limit (at least 1 MiB) is queued, resumed at
     * 256 KiB.
     */
    ConnectionConfig connectionConfig() {
        return new ConnectionConfig(limits, masks, compressionThreshold, compressionLevel,
                handshakeTimeout, closeTimeout, Duration.ZERO, pingInterval, pongTimeout,
                maxBufferedBytes, Math.max(1 << 20, maxBufferedBytes / 4), 1 << 18,
                eventExecutor, eventHighWater, eventLowWater, metrics);
    }

    /** Builder; every setting has a default. */
    public static final class Builder {
        private final URI uri;
        private final List<String> subprotocols = new ArrayList<>();
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private SSLContext sslContext;
        private InetSocketAddress proxy;
        private String proxyAuthorization;
        private Duration connectTimeout = Duration.ofSeconds(30);
        private Duration handshakeTimeout = Duration.ofSeconds(30);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Duration pingInterval = Duration.ZERO;
        private Duration pongTimeout = Duration.ofSeconds(30);
        private boolean offerDeflate = true;
        private int compressionThreshold = 0;
        private int compressionLevel = java.util.zip.Deflater.DEFAULT_COMPRESSION;
        private Limits limits = Limits.CLIENT;
        private long maxBufferedBytes = 64L << 20;
        private Executor eventExecutor;
        private int eventHighWater = 64;
        private int eventLowWater = 16;
        private MaskSource masks;
        private WebSocketMetrics metrics = WebSocketMetrics.NONE;

        private Builder(URI uri) {
            Objects.requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!List.of("ws", "wss", "http", "https").contains(scheme) || uri.getHost() == null) {
                throw new IllegalArgumentException("not a ws/wss URL with a host: " + uri);
            }
            this.uri = uri;
        }

        /** Subprotocols to offer, in order of preference ({@code Sec-WebSocket-Protocol}). Default none. */
        public Builder subprotocols(List<String> protocols) {
            subprotocols.clear();
            subprotocols.addAll(protocols);
            return this;
        }

        /** Adds a handshake request header (e.g. {@code Origin}, {@code Cookie}, {@code Authorization}). */
        public Builder header(String name, String value) {
            headers.computeIfAbsent(Objects.requireNonNull(name), k -> new ArrayList<>()).add(Objects.requireNonNull(value));
            return this;
        }

        /** The TLS context for {@code wss}; default {@code SSLContext.getDefault()}. Hostname verification stays on. */
        public Builder sslContext(SSLContext context) { this.sslContext = context; return this; }

        /** Tunnels through an HTTP proxy with {@code CONNECT host:port}; null (default) connects directly. */
        public Builder proxy(InetSocketAddress proxy) { this.proxy = proxy; return this; }

        /** A {@code Proxy-Authorization} header value for the {@code CONNECT} request; default none. */
        public Builder proxyAuthorization(String value) { this.proxyAuthorization = value; return this; }

        /** Time allowed for the TCP connect (and proxy tunnel); default 30 s. */
        public Builder connectTimeout(Duration d) { this.connectTimeout = positive(d); return this; }

        /** Time allowed from TCP connected to handshake response verified (TLS included); default 30 s. */
        public Builder handshakeTimeout(Duration d) { this.handshakeTimeout = positive(d); return this; }

        /** Time the peer has to answer our close frame before TCP is dropped; default 10 s. */
        public Builder closeTimeout(Duration d) { this.closeTimeout = positive(d); return this; }

        /** Sends a ping after this much time without any received byte; zero (default) disables keep-alive. */
        public Builder pingInterval(Duration d) { this.pingInterval = Objects.requireNonNull(d); return this; }

        /** With keep-alive: time a ping has to be answered (or any byte to arrive) before 1006; default 30 s. */
        public Builder pongTimeout(Duration d) { this.pongTimeout = positive(d); return this; }

        /** Offers permessage-deflate (RFC 7692), as browsers do; default true. */
        public Builder offerDeflate(boolean offer) { this.offerDeflate = offer; return this; }

        /** Messages shorter than this many bytes are sent uncompressed; default 0. */
        public Builder compressionThreshold(int bytes) { this.compressionThreshold = bytes; return this; }
        /** zlib level for what this client compresses: -1 (zlib's default, 6) or 0-9. */
        public Builder compressionLevel(int level) {
            dev.duplex.protocol.MessageDeflater.checkLevel(level);
            this.compressionLevel = level;
            return this;
        }

        /** Limits on what the server may send; default {@link Limits#CLIENT}. */
        public Builder limits(Limits limits) { this.limits = Objects.requireNonNull(limits); return this; }

        /** Send-queue hard limit in payload bytes; a send past it fails the connection (1006). Default 64 MiB. */
        public Builder maxBufferedBytes(long bytes) { this.maxBufferedBytes = bytes; return this; }

        /**
         * Where listener calls run: null (default) on the event loop; otherwise on this executor, one at
         * a time and in order (see {@link Dispatch#virtualThread()}).
         */
        public Builder eventExecutor(Executor executor) { this.eventExecutor = executor; return this; }

        /** Input backpressure: stop reading above {@code high} undelivered events, resume at {@code low}. Default 64/16. */
        public Builder eventWaterMarks(int high, int low) {
            if (low < 0 || high < 1 || low >= high) {
                throw new IllegalArgumentException("need 0 <= low < high");
            }
            this.eventHighWater = high;
            this.eventLowWater = low;
            return this;
        }

        /** Source of masking keys and the handshake nonce; default a {@link SecureRandom} per thread, in batches ({@link SecureMasks}). */
        public Builder masks(MaskSource masks) { this.masks = masks; return this; }

        /** What the connection reports to; default {@link WebSocketMetrics#NONE}. */
        public Builder metrics(WebSocketMetrics metrics) { this.metrics = Objects.requireNonNull(metrics); return this; }

        public ClientOptions build() {
            if (masks == null) {
                masks = SecureMasks.INSTANCE;
            }
            return new ClientOptions(this);
        }

        private static Duration positive(Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("duration must be positive: " + d);
            }
            return d;
        }
    }
}
