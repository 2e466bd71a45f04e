package dev.duplex;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.Limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * The options bag for {@link WebSocket#WebSocket(String, WebSocketOptions)}: the standard's
 * {@code WebSocketInit} ({@link Builder#protocols}) plus the non-browser extras a Java program expects,
 * all opt-in. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * var options = WebSocketOptions.builder()
 *         .protocols("chat")
 *         .header("Authorization", "Bearer " + token)
 *         .connectTimeout(Duration.ofSeconds(5))
 *         .keepAlive(Duration.ofSeconds(30), Duration.ofSeconds(10))
 *         .build();
 * }</pre>
 */
public final class WebSocketOptions {

    /**
     * The default hard limit on {@code bufferedAmount}: 256 MiB. Browsers set none; a send past the
     * limit flags the socket full and closes it (WHATWG), so the limit is a safety net for a program
     * that sends without ever looking at {@code bufferedAmount}, not a flow-control window. It is well
     * above the largest message the client accepts ({@link dev.duplex.protocol.Limits#CLIENT},
     * 100 MiB), so a client that relays or echoes what it receives is never closed for it (OkHttp's
     * fixed 16 MiB queue, which closes such clients, is a known complaint of its users).
     */
    public static final long DEFAULT_MAX_BUFFERED_AMOUNT = 256L << 20;

    /** The default connect timeout, covering TCP, proxy, TLS and the opening handshake. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Header names the client owns; setting one of them is an error. RFC 6455 4.1. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host", "upgrade", "connection", "content-length", "transfer-encoding",
            "sec-websocket-key", "sec-websocket-version", "sec-websocket-accept",
            "sec-websocket-extensions", "sec-websocket-protocol");

    private static final WebSocketOptions DEFAULTS = builder().build();

    private final List<String> protocols;
    private final String baseUrl;
    private final Map<String, List<String>> headers;
    private final Duration connectTimeout;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final InetSocketAddress proxy;
    private final String proxyAuthorization;
    private final SSLContext sslContext;
    private final boolean perMessageDeflate;
    private final int compressionLevel;
    private final Limits limits;
    private final long maxBufferedAmount;
    private final boolean dispatchOnLoop;
    private final WebSocketMetrics metrics;

    private WebSocketOptions(Builder b) {
        this.protocols = List.copyOf(b.protocols);
        this.baseUrl = b.baseUrl;
        this.headers = freeze(b.headers);
        this.connectTimeout = b.connectTimeout;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.proxy = b.proxy;
        this.proxyAuthorization = b.proxyAuthorization;
        this.sslContext = b.sslContext;
        this.perMessageDeflate = b.perMessageDeflate;
        this.compressionLevel = b.compressionLevel;
        this.limits = b.limits;
        this.maxBufferedAmount = b.maxBufferedAmount;
        this.dispatchOnLoop = b.dispatchOnLoop;
        this.metrics = b.metrics;
    }

    /** The defaults: no subprotocols, deflate offered, 30 s connect timeout, no keep-alive. */
    public static WebSocketOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.protocols.addAll(protocols);
        b.baseUrl = baseUrl;
        headers.forEach((k, v) -> b.headers.put(k, new ArrayList<>(v)));
        b.connectTimeout = connectTimeout;
        b.pingInterval = pingInterval;
        b.pongTimeout = pongTimeout;
        b.proxy = proxy;
        b.proxyAuthorization = proxyAuthorization;
        b.sslContext = sslContext;
        b.perMessageDeflate = perMessageDeflate;
        b.compressionLevel = compressionLevel;
        b.limits = limits;
        b.maxBufferedAmount = maxBufferedAmount;
        b.dispatchOnLoop = dispatchOnLoop;
        b.metrics = metrics;
        return b;
    }

    /** The subprotocols to offer, in order ({@code WebSocketInit.protocols}). */
    public List<String> protocols() {
        return protocols;
    }

    /** The base URL relative URLs resolve against (the browser's "API base URL"), or null. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Extra handshake headers, in insertion order. Non-standard: browsers cannot set them. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** How long TCP connect, proxy tunnel, TLS and the opening handshake may take together. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** How often to ping an idle connection, or null for never. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How long to wait for a pong before the peer is declared dead (1006), or null. */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /** The HTTP proxy to tunnel through with CONNECT, or null for a direct connection. */
    public InetSocketAddress proxy() {
        return proxy;
    }

    /** The {@code Proxy-Authorization} value for the proxy's CONNECT request, or null. */
    public String proxyAuthorization() {
        return proxyAuthorization;
    }

    /**
     * The TLS context for {@code wss:} (its trust managers decide which certificates are trusted), or null
     * for the JDK default. The server's certificate must always match the URL's host (RFC 6125): hostname
     * verification cannot be turned off.
     */
    public SSLContext sslContext() {
        return sslContext;
    }

    /** Whether permessage-deflate (RFC 7692) is offered. On by default, as browsers do. */
    public boolean perMessageDeflate() {
        return perMessageDeflate;
    }

    /** zlib level of the messages this client compresses: -1 (zlib's default, 6) or 0-9. */
    public int compressionLevel() {
        return compressionLevel;
    }

    /** Limits on what the server may send; default {@link Limits#CLIENT} (100 MiB messages, any number of fragments). */
    public Limits limits() {
        return limits;
    }

    /** The hard limit on {@code bufferedAmount}: a send past it fails the connection (error, then close). */
    public long maxBufferedAmount() {
        return maxBufferedAmount;
    }

    /**
     * Whether listeners run on the transport's event-loop thread instead of the socket's virtual thread.
     * Faster; listeners must then never block.
     */
    public boolean dispatchOnLoop() {
        return dispatchOnLoop;
    }

    /** What the connection reports to (see {@link WebSocketMetrics}); default {@link WebSocketMetrics#NONE}. */
    public WebSocketMetrics metrics() {
        return metrics;
    }

    private static Map<String, List<String>> freeze(Map<String, List<String>> m) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        m.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** Builds {@link WebSocketOptions}; every setter validates at once. */
    public static final class Builder {
        private final List<String> protocols = new ArrayList<>();
        private String baseUrl;
        private final Map<String, List<String>> headers = new LinkedHashMap<>();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration pingInterval;
        private Duration pongTimeout;
        private InetSocketAddress proxy;
        private String proxyAuthorization;
        private SSLContext sslContext;
        private boolean perMessageDeflate = true;
        private int compressionLevel = java.util.zip.Deflater.DEFAULT_COMPRESSION;
        private Limits limits = Limits.CLIENT;
        private long maxBufferedAmount = DEFAULT_MAX_BUFFERED_AMOUNT;
        private boolean dispatchOnLoop;
        private WebSocketMetrics metrics = WebSocketMetrics.NONE;

        private Builder() {
        }

        /** Replaces the subprotocols to offer; the constructor validates them (SyntaxError). */
        public Builder protocols(String... protocols) {
            return protocols(List.of(protocols));
        }

        public Builder protocols(List<String> protocols) {
            this.protocols.clear();
            this.protocols.addAll(protocols);
            return this;
        }

        /** A base URL for relative URLs; the constructor validates it. */
        public Builder baseUrl(String baseUrl) {
            this.baseUrl = baseUrl;
            return this;
        }

        /**
         * Adds a handshake header (repeatable). The headers the handshake itself sets (Host, Upgrade,
         * Connection, Sec-WebSocket-*) cannot be set here.
         */
        public Builder header(String name, String value) {
            checkHeader(name, value);
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("the handshake sets " + name + " itself");
            }
            headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Pings the server every {@code interval} and fails the connection (1006) when no pong arrives
         * within {@code timeout}: dead-peer detection for long-lived connections.
         */
        public Builder keepAlive(Duration interval, Duration timeout) {
            this.pingInterval = positive(interval, "interval");
            this.pongTimeout = positive(timeout, "timeout");
            return this;
        }

        /** Turns keep-alive pings off (the default). */
        public Builder noKeepAlive() {
            this.pingInterval = null;
            this.pongTimeout = null;
            return this;
        }

        /** Connects through the HTTP proxy at {@code proxy} with CONNECT (RFC 9110 9.3.6). */
        public Builder proxy(InetSocketAddress proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /** Sends {@code Proxy-Authorization: value} with the proxy's CONNECT request. */
        public Builder proxyAuthorization(String value) {
            checkHeader("Proxy-Authorization", value);
            this.proxyAuthorization = value;
            return this;
        }

        public Builder sslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        public Builder perMessageDeflate(boolean offer) {
            this.perMessageDeflate = offer;
            return this;
        }

        /**
         * With permessage-deflate: the zlib level of what this client compresses, 0-9, or -1 for zlib's
         * default (6, the default here too). Level 1 deflates text several times faster.
         *
         * @throws IllegalArgumentException for any other value
         */
        public Builder compressionLevel(int level) {
            dev.duplex.protocol.MessageDeflater.checkLevel(level);
            this.compressionLevel = level;
            return this;
        }

        public Builder limits(Limits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        public Builder maxBufferedAmount(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBufferedAmount must be positive");
            }
            this.maxBufferedAmount = bytes;
            return this;
        }

        public Builder dispatchOnLoop(boolean onLoop) {
            this.dispatchOnLoop = onLoop;
            return this;
        }

        /** Reports the connection's opens, closes, messages and bytes to {@code metrics}; default none. */
        public Builder metrics(WebSocketMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        public WebSocketOptions build() {
            return new WebSocketOptions(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        private static void checkHeader(String name, String value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            if (name.isEmpty() || !Protocols.isToken(name)) {
                throw new IllegalArgumentException("not a valid header name: " + name);
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                    throw new IllegalArgumentException("not a valid value for header " + name);
                }
            }
        }
    }
}
