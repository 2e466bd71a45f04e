package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdicts the report writes, in the targets table and into the hand-written analysis. */
class ReportTest {

    private static Report report(Suite.Results r) {
        Suite.Options o = Suite.Options.parse(new String[] {"--no-write"});
        // Maven runs the tests in duplex-bench/; the analysis is read from the repository's root.
        if (!java.nio.file.Files.exists(o.root.resolve("duplex-bench/load-analysis.md"))) {
            o.root = o.root.getParent();
        }
        return new Report(o, r, Suite.allServers(), Instant.EPOCH, 1.0, "0", "0");
    }

    /** msgs/s, MB/s, p50, p99, p99.9 (µs), CPU server, CPU generator. */
    private static double[] echo(double msgs, double mb, double p99) {
        return new double[] {msgs, mb, 100, p99, 900, 95, 90};
    }

    @Test
    void verdictsFollowTheTargetsOfTheIssue() {
        Suite.Results r = new Suite.Results();
        for (int i = 0; i < 3; i++) {
            r.add(Suite.Workload.A, "duplex", echo(125, 1, 50));
            r.add(Suite.Workload.A, "netty-nio", echo(100, 1, 60));
            r.add(Suite.Workload.B, "duplex", echo(119, 1, 50)); // 1.19×: missed
            r.add(Suite.Workload.B, "netty-nio", echo(100, 1, 60));
            r.add(Suite.Workload.C, "duplex", echo(80, 80, 50));
            r.add(Suite.Workload.C, "tcp-echo", echo(100, 100, 50));
            r.add(Suite.Workload.E, "duplex", new double[] {1_000, 0, 1_000});
            r.add(Suite.Workload.E, "netty-nio", new double[] {2_400, 0, 2_400});
        }
        Report report = report(r);
        assertThat(report.verdict(Suite.Workload.A).met()).isTrue();
        assertThat(report.verdict(Suite.Workload.B).met()).isFalse();
        assertThat(report.verdict(Suite.Workload.C).met()).isTrue();
        assertThat(report.verdict(Suite.Workload.D).figure()).isNull();
        assertThat(report.verdict(Suite.Workload.E).met()).isTrue();

        String text = report.fill("(a) @A@; (b) @B@; (d) @D@; heap @HEAP@ B");
        assertThat(text).isEqualTo("(a) met: 1.25× msgs/s, p99 0.83×; (b) missed: 1.19× msgs/s, p99 0.83×; "
                + "(d) not measured in this run; heap 1,000 B");
    }

    @Test
    void raceVerdictsCompareWithTheStrongestPeerOfEachRace() {
        Suite.Results r = new Suite.Results();
        r.add(Suite.Workload.G, "duplex-wss-boringssl", new double[] {131, 0, 0, 0, 0, 90, 50, 600});
        r.add(Suite.Workload.G, "duplex-wss", new double[] {90, 0, 0, 0, 0, 90, 50, 600}); // JDK TLS: shown, not judged
        r.add(Suite.Workload.G, "netty-epoll-openssl-wss", new double[] {100, 0, 0, 0, 0, 90, 50, 600});
        r.add(Suite.Workload.H, "duplex-wss-boringssl", new double[] {140, 0, 0, 0, 0, 90, 50, 700}); // RSS above Netty's
        r.add(Suite.Workload.H, "netty-epoll-openssl-wss", new double[] {100, 0, 0, 0, 0, 90, 50, 600});
        r.add(Suite.Workload.I, "duplex", new double[] {149, 1, 2, 0, 90, 50});
        r.add(Suite.Workload.I, "netty-epoll", new double[] {100, 1, 2, 0, 90, 50});
        r.add(Suite.Workload.J, "duplex-wss-boringssl", new double[] {80, 1, 2, 0, 90, 50});
        r.add(Suite.Workload.J, "netty-epoll-openssl-wss", new double[] {100, 1, 2, 0, 90, 50});
        r.add(Suite.Workload.M, "duplex", new double[] {120, 90, 50});
        r.add(Suite.Workload.M, "netty", new double[] {100, 90, 50});
        Report report = report(r);
        assertThat(report.verdict(Suite.Workload.G).met()).isTrue();
        assertThat(report.verdict(Suite.Workload.G).figure()).isEqualTo("BoringSSL 1.31× msgs/s; JDK TLS 0.90×");
        assertThat(report.verdict(Suite.Workload.H).met()).isFalse();
        assertThat(report.verdict(Suite.Workload.H).figure()).isEqualTo("1.40× msgs/s, RSS 700 vs 600 MB");
        assertThat(report.verdict(Suite.Workload.J).figure()).isEqualTo("0.80× handshakes/s");
        assertThat(report.verdict(Suite.Workload.I).met()).isFalse();
        assertThat(report.verdict(Suite.Workload.J).met()).isTrue();
        assertThat(report.verdict(Suite.Workload.L).figure()).isNull();
        assertThat(report.verdict(Suite.Workload.M).met()).isTrue();
    }

    @Test
    void theMarkdownHasNoPlaceholderLeft() {
        Suite.Results r = new Suite.Results();
        r.add(Suite.Workload.A, "duplex", echo(125, 1, 50));
        r.add(Suite.Workload.A, "netty-nio", echo(100, 1, 60));
        String md = report(r).markdown();
        assertThat(md).doesNotContainPattern("@[A-Z_]+@").contains("| (a) ≥ 1.2× Netty NIO msgs/s, p99 no worse | 1.25×");
        assertThat(List.of(md.split("\n"))).anyMatch(l -> l.startsWith("**Small messages (a, b): (a) met: 1.25×"));
    }
}
