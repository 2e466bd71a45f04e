package dev.duplex.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Process-wide counters of live transport resources, so tests can assert that nothing leaks: after
 * every connection has ended, all of them are back to zero. Not for applications: what a server or
 * client reports to them goes through {@link dev.duplex.metrics.WebSocketMetrics}.
 */
public final class TransportMetrics {

    static final AtomicLong SOCKETS = new AtomicLong();
    static final AtomicLong CONNECTIONS = new AtomicLong();
    static final AtomicLong TLS_SESSIONS = new AtomicLong();

    private TransportMetrics() {}

    /** Open sockets (accepted or connecting/connected), listening sockets excluded. */
    public static long openSockets() {
        return SOCKETS.get();
    }

    /** Protocol connections (with their Deflaters/Inflaters) not yet released. */
    public static long liveConnections() {
        return CONNECTIONS.get();
    }

    /** TLS sessions whose buffers are not yet released. */
    public static long liveTlsSessions() {
        return TLS_SESSIONS.get();
    }
}
