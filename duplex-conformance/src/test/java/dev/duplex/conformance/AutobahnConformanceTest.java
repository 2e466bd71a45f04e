package dev.duplex.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.duplex.server.WebSocketServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Autobahn|Testsuite against Duplex, both directions at once (two Jython fuzzers on two cores):
 * its fuzzing client against {@link AutobahnEchoServer}, its fuzzing server against
 * {@link AutobahnClient}. {@code -Dautobahn.cases=all} (the {@code conformance} profile) runs every
 * case of sections 1-13; the default runs {@link AutobahnCases#STANDARD}. Reports land in
 * {@code target/autobahn/{server,client}/reports/}, the summary in {@code target/autobahn/summary.md}.
 */
class AutobahnConformanceTest {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(40);

    @Test
    void autobahnTestsuiteBothDirections() throws Exception {
        assumeTrue(Boolean.getBoolean("autobahn.run"), "Autobahn run off: -Pconformance or -Dautobahn.run=true");
        List<String> cases = AutobahnCases.select(System.getProperty("autobahn.cases", "standard"));
        Path root = Wstest.workRoot();
        Files.createDirectories(root);
        long t0 = System.nanoTime();

        // Autobahn's fuzzing client -> Duplex's server
        WebSocketServer server = AutobahnEchoServer.start(0);
        Path serverDir = root.resolve("server");
        Process fuzzingClient;
        try {
            Map<String, Object> target = new LinkedHashMap<>();
            target.put("agent", "Duplex");
            target.put("url", "ws://127.0.0.1:" + server.port());
            target.put("options", Map.of("version", 18));
            Map<String, Object> spec = spec(cases);
            spec.put("servers", List.of(target));
            fuzzingClient = Wstest.start("fuzzingclient", serverDir, spec);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }

        // Autobahn's fuzzing server -> Duplex's client
        Path clientDir = root.resolve("client");
        int port = freePort();
        Map<String, Object> spec = spec(cases);
        spec.put("url", "ws://127.0.0.1:" + port);
        spec.put("webport", 0);
        Process fuzzingServer = Wstest.start("fuzzingserver", clientDir, spec);
        CompletableFuture<Integer> clientRun = CompletableFuture.supplyAsync(() -> {
            try {
                awaitListening(port, fuzzingServer, clientDir);
                return new AutobahnClient("ws://127.0.0.1:" + port, "Duplex").runAll();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        String clientProblem = null;
        try {
            clientRun.get(RUN_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
        } catch (Exception e) {
            clientProblem = "client run failed: " + e + " (see " + clientDir.resolve("wstest.log") + ")";
        } finally {
            fuzzingServer.destroy();
            fuzzingServer.waitFor(30, TimeUnit.SECONDS);
            fuzzingServer.destroyForcibly();
        }
        long clientDone = System.nanoTime();
        String serverProblem = null;
        try {
            if (!fuzzingClient.waitFor(RUN_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                serverProblem = "fuzzing client did not finish in " + RUN_TIMEOUT;
            } else if (fuzzingClient.exitValue() != 0) {
                serverProblem = "fuzzing client exited with " + fuzzingClient.exitValue()
                        + " (see " + serverDir.resolve("wstest.log") + ")";
            }
        } finally {
            fuzzingClient.destroyForcibly();
            server.close();
        }
        long serverDone = System.nanoTime();

        StringBuilder summary = new StringBuilder();
        summary.append("Cases: ").append(cases.equals(List.of("*")) ? "all" : String.join(", ", cases))
                .append(". Wall time: server side ").append(seconds(serverDone - t0))
                .append(", client side ").append(seconds(clientDone - t0)).append(" (run concurrently).\n\n");
        boolean passed = true;
        passed &= report(summary, "Server (Autobahn fuzzing client → Duplex echo server)",
                serverDir.resolve("reports/index.json"), AutobahnCases.SERVER_ALLOWED, serverProblem);
        passed &= report(summary, "Client (Autobahn fuzzing server → Duplex client)",
                clientDir.resolve("reports/index.json"), AutobahnCases.CLIENT_ALLOWED, clientProblem);
        Files.writeString(root.resolve("summary.md"), summary);
        System.out.println(summary);
        assertTrue(passed, "Autobahn conformance failed; see " + root.resolve("summary.md")
                + " and the HTML reports under " + root);
    }

    private static boolean report(StringBuilder out, String title, Path index, List<AutobahnReport.Allowance> allowed,
                                  String problem) throws IOException {
        if (problem != null) {
            out.append("### ").append(title).append("\n\n**").append(problem).append("**\n\n");
        }
        if (!Files.exists(index)) {
            out.append("### ").append(title).append("\n\nno ").append(index).append("\n\n");
            return false;
        }
        AutobahnReport report = AutobahnReport.read(title, index, allowed);
        out.append(report.markdown()).append('\n');
        return problem == null && report.passed();
    }

    private static Map<String, Object> spec(List<String> cases) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("options", Map.of("failByDrop", false));
        spec.put("outdir", "reports");
        spec.put("cases", cases);
        spec.put("exclude-cases", List.of());
        spec.put("exclude-agent-cases", Map.of());
        return spec;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until the fuzzing server accepts connections (Jython takes a while to start). */
    private static void awaitListening(int port, Process fuzzer, Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!fuzzer.isAlive()) {
                throw new IOException("fuzzing server exited with " + fuzzer.exitValue() + "; see " + dir.resolve("wstest.log"));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        fail("fuzzing server not listening on " + port + " after 15 minutes");
    }

    private static String seconds(long nanos) {
        return (nanos / 1_000_000_000) + " s";
    }
}
