package dev.duplex;

import java.time.Duration;
import java.util.Objects;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * How a {@link ReconnectingWebSocket} comes back: backoff, attempt limit, which close codes it retries,
 * what happens to sends while it is disconnected, keep-alive, and a hook that rewrites the URL before each
 * attempt. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * var policy = ReconnectOptions.builder()
 *         .backoff(Duration.ofMillis(500), Duration.ofSeconds(30))
 *         .maxAttempts(10)
 *         .url(u -> lastSeen == null ? u : u + "?since=" + lastSeen)
 *         .build();
 * }</pre>
 */
public final class ReconnectOptions {

    /** The default first backoff ceiling: 500 ms. */
    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofMillis(500);

    /** The default backoff cap: 30 s. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(30);

    /** The default limit on what sends queue up while disconnected: 1 MiB. */
    public static final long DEFAULT_MAX_QUEUED_BYTES = 1L << 20;

    /** The default keep-alive: a ping every 30 s, the peer is dead after 10 s without a pong. */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PONG_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The close codes retried by default (the codes a server uses to say "come back"): 1001 going away,
     * 1005 no code given, 1006 abnormal (refused, dropped, dead peer, failed handshake), 1011 server
     * error, 1012 service restart, 1013 try again later, 1014 bad gateway. Everything else — 1000, the
     * "do not come back" codes 1002, 1003, 1007, 1008, 1009, 1010, and the application's 3000–4999 —
     * stops. Combine it to retry an application code: {@code DEFAULT_RETRY.or(c -> c == 4000)}.
     */
    public static final IntPredicate DEFAULT_RETRY = code -> switch (code) {
        case 1001, 1005, 1006, 1011, 1012, 1013, 1014 -> true;
        default -> false;
    };

    private static final ReconnectOptions DEFAULTS = builder().build();

    private final Duration initialDelay;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final IntPredicate retry;
    private final long maxQueuedBytes;
    private final Duration pingInterval;
    private final Duration pongTimeout;
    private final UnaryOperator<String> url;

    private ReconnectOptions(Builder b) {
        this.initialDelay = b.initialDelay;
        this.maxDelay = b.maxDelay;
        this.maxAttempts = b.maxAttempts;
        this.retry = b.retry;
        this.maxQueuedBytes = b.maxQueuedBytes;
        this.pingInterval = b.pingInterval;
        this.pongTimeout = b.pongTimeout;
        this.url = b.url;
    }

    /** Backoff 500 ms doubling to 30 s with full jitter, no attempt limit, 1 MiB queue, keep-alive 30 s / 10 s. */
    public static ReconnectOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ceiling of the first wait; each failed attempt doubles it up to {@link #maxDelay()}. */
    public Duration initialDelay() {
        return initialDelay;
    }

    /** The cap on any wait between attempts. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** Consecutive failed attempts after which the socket gives up, or 0 for never. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether a connection that closed with {@code code} (not at the application's request) is retried. */
    public boolean retries(int code) {
        return retry.test(code);
    }

    /** Bytes of messages held while disconnected; a send past it is refused. 0: every such send is refused. */
    public long maxQueuedBytes() {
        return maxQueuedBytes;
    }

    /** The keep-alive ping interval, or null when keep-alive is off. */
    public Duration pingInterval() {
        return pingInterval;
    }

    /** How long to wait for a pong before the peer is declared dead (1006, then a retry), or null. */
    public Duration pongTimeout() {
        return pongTimeout;
    }

    /** The URL of the next attempt, from the URL the socket was created with. */
    String urlFor(String configured) {
        return url.apply(configured);
    }

    /**
     * The options each connection is made with: {@code options} as given, plus this policy's keep-alive
     * when {@code options} sets none of its own.
     */
    WebSocketOptions connectionOptions(WebSocketOptions options) {
        if (options.pingInterval() != null || pingInterval == null) {
            return options;
        }
        return options.toBuilder().keepAlive(pingInterval, pongTimeout).build();
    }

    /** Builds {@link ReconnectOptions}; every setter validates at once. */
    public static final class Builder {
        private Duration initialDelay = DEFAULT_INITIAL_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private int maxAttempts;
        private IntPredicate retry = DEFAULT_RETRY;
        private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
        private Duration pingInterval = DEFAULT_PING_INTERVAL;
        private Duration pongTimeout = DEFAULT_PONG_TIMEOUT;
        private UnaryOperator<String> url = UnaryOperator.identity();

        private Builder() {
        }

        /**
         * Exponential backoff with full jitter: before attempt n (from 1) the socket waits a random time
         * between 0 and min({@code max}, {@code initial} × 2^(n−1)).
         */
        public Builder backoff(Duration initial, Duration max) {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("want 0 < initial <= max, got " + initial + ", " + max);
            }
            this.initialDelay = initial;
            this.maxDelay = max;
            return this;
        }

        /** Gives up after {@code attempts} consecutive failed attempts; 0 (the default) retries forever. */
        public Builder maxAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxAttempts must not be negative");
            }
            this.maxAttempts = attempts;
            return this;
        }

        /** Which close codes are retried; replaces {@link #DEFAULT_RETRY}. Not asked after the app's own close. */
        public Builder retryWhen(IntPredicate codes) {
            this.retry = Objects.requireNonNull(codes, "codes");
            return this;
        }

        /** Bytes of messages held while disconnected (default 1 MiB); 0 refuses every send while disconnected. */
        public Builder maxQueuedBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxQueuedBytes must not be negative");
            }
            this.maxQueuedBytes = bytes;
            return this;
        }

        /** Pings every {@code interval}; no pong within {@code timeout} drops the connection (and retries). */
        public Builder keepAlive(Duration interval, Duration timeout) {
            WebSocketOptions.builder().keepAlive(interval, timeout); // same validation as a connection's
            this.pingInterval = interval;
            this.pongTimeout = timeout;
            return this;
        }

        /** No keep-alive pings (unless the connection options set their own). */
        public Builder noKeepAlive() {
            this.pingInterval = null;
            this.pongTimeout = null;
            return this;
        }

        /**
         * Rewrites the URL before each attempt, the first included, e.g. to add {@code since=} with the last
         * message seen. It gets the URL the socket was created with. A URL the hook makes invalid ends the
         * socket (error, then close with 1006).
         */
        public Builder url(UnaryOperator<String> hook) {
            this.url = Objects.requireNonNull(hook, "hook");
            return this;
        }

        public ReconnectOptions build() {
            return new ReconnectOptions(this);
        }
    }
}
