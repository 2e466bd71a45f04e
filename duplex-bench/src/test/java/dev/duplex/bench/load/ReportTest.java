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
    void theMarkdownHasNoPlaceholderLeft() {
        Suite.Results r = new Suite.Results();
        r.add(Suite.Workload.A, "duplex", echo(125, 1, 50));
        r.add(Suite.Workload.A, "netty-nio", echo(100, 1, 60));
        String md = report(r).markdown();
        assertThat(md).doesNotContainPattern("@[A-Z_]+@").contains("| (a) ≥ 1.2× Netty NIO msgs/s, p99 no worse | 1.25×");
        assertThat(List.of(md.split("\n"))).anyMatch(l -> l.startsWith("**Small messages (a, b): (a) met: 1.25×"));
    }
}
