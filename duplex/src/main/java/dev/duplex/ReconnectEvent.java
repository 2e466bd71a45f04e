package dev.duplex;

import java.time.Duration;

/**
 * Non-standard: the {@code reconnecting} event of a {@link ReconnectingWebSocket}, fired right after the
 * {@code close} of a connection that will be retried, before the wait. {@link #target()} is the
 * connection that closed.
 */
public final class ReconnectEvent extends Event {

    private final int attempt;
    private final Duration delay;
    private final int code;

    ReconnectEvent(int attempt, Duration delay, int code) {
        super("reconnecting");
        this.attempt = attempt;
        this.delay = delay;
        this.code = code;
    }

    /** Which consecutive attempt comes next, from 1; back to 1 after a connection that stayed up. */
    public int attempt() {
        return attempt;
    }

    /** How long the socket waits before that attempt. */
    public Duration delay() {
        return delay;
    }

    /** The close code that ended the last connection. */
    public int code() {
        return code;
    }

    @Override
    public String toString() {
        return "ReconnectEvent[attempt=" + attempt + ", delay=" + delay + ", code=" + code + "]";
    }
}
