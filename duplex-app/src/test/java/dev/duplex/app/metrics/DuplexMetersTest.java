package dev.duplex.app.metrics;

import dev.duplex.metrics.Limit;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The labels stay bounded: application close codes are folded into classes, one series each. */
class DuplexMetersTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DuplexMeters meters = new DuplexMeters();

    @Test
    void closeCodesBeyondTheRegistryAreFoldedIntoClasses() {
        meters.bindTo(registry);
        for (int code : new int[] {1000, 1001, 1001, 1015, 3000, 3999, 4000, 4001, 4999, 2999, 5000}) {
            meters.connectionOpened();
            meters.connectionClosed(code);
        }
        String text = registry.scrape();
        assertThat(text).containsPattern("(?m)^duplex_closes_total\\{code=\"1000\"} 1(\\.0)?$")
                .containsPattern("(?m)^duplex_closes_total\\{code=\"1001\"} 2(\\.0)?$")
                .containsPattern("(?m)^duplex_closes_total\\{code=\"1015\"} 1(\\.0)?$")
                .containsPattern("(?m)^duplex_closes_total\\{code=\"3xxx\"} 2(\\.0)?$")
                .containsPattern("(?m)^duplex_closes_total\\{code=\"4xxx\"} 3(\\.0)?$")
                .containsPattern("(?m)^duplex_closes_total\\{code=\"other\"} 2(\\.0)?$")
                .containsPattern("(?m)^duplex_connections_open 0(\\.0)?$");
        assertThat(text.lines().filter(l -> l.startsWith("duplex_closes_total{"))).hasSize(6);
    }

    @Test
    void limitsAndRejectionsAreLabelledByWhatTheyAre() {
        meters.bindTo(registry);
        meters.limitExceeded(Limit.SEND_QUEUE);
        meters.limitExceeded(Limit.SEND_QUEUE);
        meters.handshakeRejected(503);
        meters.slowConsumerClosed();
        String text = registry.scrape();
        assertThat(text).containsPattern("(?m)^duplex_limits_exceeded_total\\{limit=\"send_queue\"} 2(\\.0)?$")
                .containsPattern("(?m)^duplex_handshakes_rejected_total\\{status=\"503\"} 1(\\.0)?$")
                .containsPattern("(?m)^duplex_slow_consumers_closed_total 1(\\.0)?$")
                .doesNotContain("limit=\"frame_size\"");
    }
}
