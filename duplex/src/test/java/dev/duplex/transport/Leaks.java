package dev.duplex.transport;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts that every socket, protocol connection and TLS session has been released. */
public final class Leaks {

    private Leaks() {}

    /**
     * Waits (generously; closes finish asynchronously on the loops) until the transport's live-resource
     * counters are back to zero, then asserts they are.
     */
    public static void assertNone() {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() - deadline < 0 && (TransportMetrics.openSockets() != 0
                || TransportMetrics.liveConnections() != 0 || TransportMetrics.liveTlsSessions() != 0)) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        assertThat(TransportMetrics.openSockets()).as("open sockets").isZero();
        assertThat(TransportMetrics.liveConnections()).as("unreleased protocol connections").isZero();
        assertThat(TransportMetrics.liveTlsSessions()).as("unreleased TLS sessions").isZero();
    }
}
