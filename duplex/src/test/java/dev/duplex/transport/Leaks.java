package dev.duplex.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Await;
import java.time.Duration;

/** Asserts that every socket, protocol connection and TLS session has been released. */
public final class Leaks {

    private Leaks() {}

    /**
     * Waits (generously; closes finish asynchronously on the loops) until the transport's live-resource
     * counters are back to zero, then asserts they are.
     */
    public static void assertNone() {
        // no event says "all released": the counters are polled; the assertions below name what is left
        Await.reached(Duration.ofSeconds(20), () -> TransportMetrics.openSockets() == 0
                && TransportMetrics.liveConnections() == 0 && TransportMetrics.liveTlsSessions() == 0);
        assertThat(TransportMetrics.openSockets()).as("open sockets").isZero();
        assertThat(TransportMetrics.liveConnections()).as("unreleased protocol connections").isZero();
        assertThat(TransportMetrics.liveTlsSessions()).as("unreleased TLS sessions").isZero();
    }
}
