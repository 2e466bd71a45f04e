package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak's 30-second form, cheap enough for CI: 200 clients against each of {@code duplex echo} and
 * {@code duplex chat} (started from the test class path in their own processes), one in ten dropping TCP
 * every ~5 s. Nothing may be lost on the connections that stayed up and the servers must return to their
 * baseline. {@code duplex-bench/soak.sh} is the full form (1,000 clients, 5 minutes).
 */
class SoakTest {

    @Test
    void thirtySecondsOfEchoAndChatWithDroppingClients(@TempDir Path logs) throws Exception {
        SoakOptions o = new SoakOptions(Duration.ofSeconds(30), 200, 1, 0.1, Duration.ofSeconds(5), 10,
                List.of("echo", "chat"),
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                        "-cp", System.getProperty("java.class.path"), "dev.duplex.app.Main"));
        ByteArrayOutputStream report = new ByteArrayOutputStream();
        Soak.Result r = Soak.run(o, logs, new PrintStream(report, true, StandardCharsets.UTF_8));
        String text = report.toString(StandardCharsets.UTF_8);
        System.out.print(text);

        assertThat(r.apps()).extracting(Soak.AppResult::app).containsExactly("echo", "chat");
        for (Soak.AppResult a : r.apps()) {
            assertThat(a.stayedUp()).as(a.app() + ": connections that stayed up").isEqualTo(180);
            assertThat(a.sent()).as(a.app() + ": messages sent on them").isGreaterThan(180L * 20);
            assertThat(a.lost()).as(a.app() + ": lost").isZero();
            assertThat(a.drops()).as(a.app() + ": abrupt drops").isPositive();
            assertThat(a.reconnects()).as(a.app() + ": reconnects after them").isEqualTo(a.drops());
            assertThat(a.backToBaseline()).as(a.app() + ": " + a.start() + " -> " + a.end()).isTrue();
        }
        assertThat(r.unexpectedCloses()).isZero();
        assertThat(r.passed()).isTrue();
        String[] lines = text.strip().split("\n");
        assertThat(lines[lines.length - 1]).startsWith("soak: 400 clients, " + r.messages() + " messages, lost 0, ");
    }

    @Test
    void baselineMeansNoMoreDescriptorsOrThreadsAndLittleMoreMemory() {
        ServerStats.Snapshot start = new ServerStats.Snapshot(10 << 20, 1 << 19, 2, 16, 9, List.of());
        assertThat(Soak.backToBaseline(start, start)).isTrue();
        assertThat(Soak.backToBaseline(start, new ServerStats.Snapshot(20 << 20, 1 << 19, 2, 16, 9, List.of()))).isTrue();
        assertThat(Soak.backToBaseline(start, new ServerStats.Snapshot(40 << 20, 1 << 19, 2, 16, 9, List.of())))
                .as("heap 30 MiB up").isFalse();
        assertThat(Soak.backToBaseline(start, new ServerStats.Snapshot(10 << 20, 4 << 20, 9, 16, 9, List.of())))
                .as("direct 3.5 MiB up").isFalse();
        assertThat(Soak.backToBaseline(start, new ServerStats.Snapshot(10 << 20, 1 << 19, 2, 17, 9, List.of())))
                .as("one more descriptor").isFalse();
        assertThat(Soak.backToBaseline(start, new ServerStats.Snapshot(10 << 20, 1 << 19, 2, 16, 10, List.of())))
                .as("one more thread").isFalse();
    }
}
