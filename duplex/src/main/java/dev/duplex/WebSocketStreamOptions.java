package dev.duplex;

import dev.duplex.protocol.Limits;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Options for {@link WebSocketStream}: the browser's {@code WebSocketStreamOptions} ({@code protocols})
 * plus the client options {@link WebSocketOptions} has (headers, TLS, proxy, deflate, limits, keep-alive,
 * connect timeout) and the sizes of the two buffers that give backpressure. Immutable; build with
 * {@link #builder()}.
 *
 * <pre>{@code
 * var options = WebSocketStreamOptions.builder()
 *         .protocols("chat")
 *         .readBuffer(64, 4 << 20)      // pause the socket at 64 unread messages or 4 MiB
 *         .build();
 * }</pre>
 */
public final class WebSocketStreamOptions {

    /** Unread messages at which the socket is paused, by default. */
    public static final int DEFAULT_READ_BUFFER_MESSAGES = 16;
    /** Unread bytes at which the socket is paused, by default: 1 MiB. */
    public static final long DEFAULT_READ_BUFFER_BYTES = 1L << 20;
    /** Bytes handed to the network layer at a time, by default: 256 KiB; later writes wait. */
    public static final long DEFAULT_WRITE_BUFFER_BYTES = 256L << 10;
    /** Bytes that may wait unsent in the stream, by default: 16 MiB (OkHttp's queue size). */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 16L << 20;

    private static final WebSocketStreamOptions DEFAULTS = builder().build();

    private final WebSocketOptions socketOptions;
    private final int readBufferMessages;
    private final long readBufferBytes;
    private final long writeBufferBytes;
    private final long maxQueuedBytes;

    private WebSocketStreamOptions(Builder b) {
        this.socketOptions = b.socket.build();
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.readBufferMessages = b.readBufferMessages;
        this.readBufferBytes = b.readBufferBytes;
        this.writeBufferBytes = b.writeBufferBytes;
    }

    public static WebSocketStreamOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The subprotocols to offer, in order. */
    public List<String> protocols() {
        return socketOptions.protocols();
    }

    /** The connection options, shared with the classic client. */
    public WebSocketOptions socketOptions() {
        return socketOptions;
    }

    /** Unread messages at which reading from the socket pauses. */
    public int readBufferMessages() {
        return readBufferMessages;
    }

    /** Unread bytes (binary length; one per {@code char} of text) at which reading pauses. */
    public long readBufferBytes() {
        return readBufferBytes;
    }

    /** Payload bytes handed to the network layer at a time; writes beyond wait in the stream. */
    public long writeBufferBytes() {
        return writeBufferBytes;
    }

    /** Payload bytes that may wait unsent in the stream (16 MiB by default); a write beyond fails its future. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /**
     * Builds {@link WebSocketStreamOptions}. The connection settings are {@link WebSocketOptions}'s
     * (same names, same checks).
     */
    public static final class Builder {
        private WebSocketOptions.Builder socket = WebSocketOptions.builder();
        private int readBufferMessages = DEFAULT_READ_BUFFER_MESSAGES;
        private long readBufferBytes = DEFAULT_READ_BUFFER_BYTES;
        private long writeBufferBytes = DEFAULT_WRITE_BUFFER_BYTES;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;

        private Builder() {
        }

        /** The subprotocols to offer; the constructor validates them as the classic one does. */
        public Builder protocols(String... protocols) {
            socket.protocols(protocols);
            return this;
        }

        public Builder protocols(List<String> protocols) {
            socket.protocols(protocols);
            return this;
        }

        /**
         * Takes the connection settings of the classic client's {@code options}, replacing those set so
         * far ({@code dispatchOnLoop} and {@code maxBufferedAmount} do not apply: the stream's buffers
         * replace them). The buffer sizes set here are kept.
         */
        public Builder socketOptions(WebSocketOptions options) {
            socket = Objects.requireNonNull(options, "options").toBuilder();
            return this;
        }

        public Builder baseUrl(String baseUrl) {
            socket.baseUrl(baseUrl);
            return this;
        }

        public Builder header(String name, String value) {
            socket.header(name, value);
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            socket.connectTimeout(timeout);
            return this;
        }

        public Builder keepAlive(Duration interval, Duration timeout) {
            socket.keepAlive(interval, timeout);
            return this;
        }

        public Builder proxy(InetSocketAddress proxy) {
            socket.proxy(proxy);
            return this;
        }

        public Builder proxyAuthorization(String value) {
            socket.proxyAuthorization(value);
            return this;
        }

        public Builder sslContext(SSLContext sslContext) {
            socket.sslContext(sslContext);
            return this;
        }

        public Builder perMessageDeflate(boolean offer) {
            socket.perMessageDeflate(offer);
            return this;
        }

        public Builder compressionLevel(int level) {
            socket.compressionLevel(level);
            return this;
        }

        public Builder limits(Limits limits) {
            socket.limits(limits);
            return this;
        }

        /** Receives the connection's events and sizes, as the classic client's {@code metrics} does. */
        public Builder metrics(dev.duplex.metrics.WebSocketMetrics metrics) {
            socket.metrics(metrics);
            return this;
        }

        /** See {@link WebSocketStreamOptions#maxQueuedBytes()}. */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxQueuedBytes must be positive");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /**
         * The read buffer: reading from the socket pauses when {@code messages} unread messages or
         * {@code bytes} unread bytes are buffered, whichever comes first, and resumes at half of both.
         */
        public Builder readBuffer(int messages, long bytes) {
            if (messages < 1 || bytes < 1) {
                throw new IllegalArgumentException("the read buffer needs at least one message and one byte");
            }
            this.readBufferMessages = messages;
            this.readBufferBytes = bytes;
            return this;
        }

        /** See {@link WebSocketStreamOptions#writeBufferBytes()}. */
        public Builder writeBuffer(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("writeBuffer must be positive");
            }
            this.writeBufferBytes = bytes;
            return this;
        }

        public WebSocketStreamOptions build() {
            return new WebSocketStreamOptions(this);
        }
    }
}
