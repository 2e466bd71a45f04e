package dev.duplex.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Autobahn|Testsuite against Duplex as it ships, both directions at once: Autobahn's fuzzing
 * client against {@code duplex echo} started as a user starts it ({@link EchoServerProcess}), its
 * fuzzing server against {@code new WebSocket(url)} with no options ({@link AutobahnClient}). No
 * setting is made for the suite: a case that needs one is a defect of the defaults. Each direction's
 * cases are shared out among {@code autobahn.fuzzers} Jython fuzzers (default 1) running side by
 * side ({@link AutobahnCases#split}); their reports are merged. {@code -Dautobahn.cases=all} runs
 * every case of sections 1-13 (the default, CI included); {@code standard} and {@code quick} are
 * subsets. Reports land in {@code target/autobahn/{server,client}/N/reports/}, the summary in
 * {@code target/autobahn/summary.md}.
 */
class AutobahnConformanceTest {
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(40);

    @Test
    void autobahnTestsuiteBothDirections() throws Exception {
        assumeTrue(Boolean.getBoolean("autobahn.run"), "Autobahn run off: -Pconformance or -Dautobahn.run=true");
        List<String> cases = AutobahnCases.select(System.getProperty("autobahn.cases", "all"));
        int[] fuzzers = fuzzersPerDirection(System.getProperty("autobahn.fuzzers", "1"));
        List<List<String>> serverShares = AutobahnCases.split(cases, fuzzers[0]);
        List<List<String>> clientShares = AutobahnCases.split(cases, fuzzers[1]);
        Path root = Wstest.workRoot();
        Wstest.deleteTree(root.resolve("server"));
        Wstest.deleteTree(root.resolve("client"));
        Files.createDirectories(root);
        long t0 = System.nanoTime();
        Wstest.library(); // the suite's Python, compiled once for all fuzzers (kept in target/ for later runs)
        long compiled = System.nanoTime();

        // Autobahn's fuzzing clients -> Duplex's server (one server; each fuzzer runs its share)
        EchoServerProcess server = EchoServerProcess.start(root.resolve("duplex-echo.log"));
        List<Path> serverDirs = new ArrayList<>();
        List<Process> fuzzingClients = new ArrayList<>();
        // Autobahn's fuzzing servers -> Duplex's client (one client run per fuzzer)
        List<Path> clientDirs = new ArrayList<>();
        List<Process> fuzzingServers = new ArrayList<>();
        List<CompletableFuture<Integer>> clientRuns = new ArrayList<>();
        try {
            for (int i = 0; i < serverShares.size(); i++) {
                Map<String, Object> target = new LinkedHashMap<>();
                target.put("agent", "Duplex");
                target.put("url", "ws://127.0.0.1:" + server.port());
                target.put("options", Map.of("version", 18));
                Map<String, Object> spec = spec(serverShares.get(i));
                spec.put("servers", List.of(target));
                Path dir = root.resolve("server").resolve(shareName(i, serverShares.size()));
                serverDirs.add(dir);
                fuzzingClients.add(Wstest.start("fuzzingclient", dir, spec));
            }
            for (int i = 0; i < clientShares.size(); i++) {
                int port = freePort();
                Map<String, Object> spec = spec(clientShares.get(i));
                spec.put("url", "ws://127.0.0.1:" + port);
                spec.put("webport", 0);
                Path dir = root.resolve("client").resolve(shareName(i, clientShares.size()));
                clientDirs.add(dir);
                Process fuzzingServer = Wstest.start("fuzzingserver", dir, spec);
                fuzzingServers.add(fuzzingServer);
                // a thread each: the common pool has one worker on two cores and would run them in turn
                clientRuns.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        awaitListening(port, fuzzingServer, dir);
                        return new AutobahnClient("ws://127.0.0.1:" + port, "Duplex").runAll();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, task -> Thread.ofPlatform().name("autobahn-client-" + (clientRuns.size() + 1)).daemon().start(task)));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            fuzzingClients.forEach(Process::destroyForcibly);
            fuzzingServers.forEach(Process::destroyForcibly);
            server.close();
            throw e;
        }

        long deadline = System.nanoTime() + RUN_TIMEOUT.toNanos();
        List<String> clientProblems = new ArrayList<>();
        for (int i = 0; i < clientRuns.size(); i++) {
            try {
                clientRuns.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                clientProblems.add("client run failed: " + e + " (see " + clientDirs.get(i).resolve("wstest.log") + ")");
            } finally {
                Process p = fuzzingServers.get(i);
                p.destroy();
                p.waitFor(30, TimeUnit.SECONDS);
                p.destroyForcibly();
            }
        }
        long clientDone = System.nanoTime();
        List<String> serverProblems = new ArrayList<>();
        try {
            for (int i = 0; i < fuzzingClients.size(); i++) {
                Process p = fuzzingClients.get(i);
                Path log = serverDirs.get(i).resolve("wstest.log");
                if (!p.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    serverProblems.add("fuzzing client did not finish in " + RUN_TIMEOUT + " (see " + log + ")");
                } else if (p.exitValue() != 0) {
                    serverProblems.add("fuzzing client exited with " + p.exitValue() + " (see " + log + ")");
                }
            }
            if (!server.isAlive()) {
                serverProblems.add("duplex echo died during the run (see " + root.resolve("duplex-echo.log") + ")");
            }
        } finally {
            fuzzingClients.forEach(Process::destroyForcibly);
            server.close();
        }
        long serverDone = System.nanoTime();

        StringBuilder summary = new StringBuilder();
        summary.append("Cases: ").append(String.join(", ", cases)).append(".\n\n")
                .append("Run by ").append(serverShares.size()).append(" fuzzer(s) on the server side and ")
                .append(clientShares.size()).append(" on the client side, all side by side. ")
                .append("Wall time: compiling the suite's Python ").append(seconds(compiled - t0))
                .append(", server side ").append(seconds(serverDone - t0))
                .append(", client side ").append(seconds(clientDone - t0)).append(".\n\n");
        boolean passed = true;
        passed &= report(summary, "Server (Autobahn fuzzing client → Duplex echo server)",
                serverDirs, AutobahnCases.SERVER_ALLOWED, serverProblems);
        passed &= report(summary, "Client (Autobahn fuzzing server → Duplex client)",
                clientDirs, AutobahnCases.CLIENT_ALLOWED, clientProblems);
        Files.writeString(root.resolve("summary.md"), summary);
        System.out.println(summary);
        assertTrue(passed, "Autobahn conformance failed; see " + root.resolve("summary.md")
                + " and the HTML reports under " + root);
    }

    /**
     * {@code autobahn.fuzzers}: {@code N} for N fuzzers each way, or {@code S:C} for S on the server
     * side and C on the client side.
     */
    static int[] fuzzersPerDirection(String value) {
        String[] parts = value.trim().split(":");
        int server = Integer.parseInt(parts[0].trim());
        int client = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : server;
        if (parts.length > 2 || server < 1 || client < 1) {
            throw new IllegalArgumentException("autobahn.fuzzers: N or S:C with counts >= 1, got " + value);
        }
        return new int[] {server, client};
    }

    /** A fuzzer's folder: {@code reports/} directly when there is one, else {@code 1/}, {@code 2/}, ... */
    private static String shareName(int i, int n) {
        return n == 1 ? "." : Integer.toString(i + 1);
    }

    private static boolean report(StringBuilder out, String title, List<Path> dirs, List<AutobahnReport.Allowance> allowed,
                                  List<String> problems) throws IOException {
        for (String problem : problems) {
            out.append("### ").append(title).append("\n\n**").append(problem).append("**\n\n");
        }
        List<Path> indexes = new ArrayList<>();
        for (Path dir : dirs) {
            Path index = dir.resolve("reports/index.json");
            if (!Files.exists(index)) {
                out.append("### ").append(title).append("\n\nno ").append(index).append("\n\n");
                return false;
            }
            indexes.add(index);
        }
        AutobahnReport report = AutobahnReport.read(title, indexes, allowed);
        out.append(report.markdown()).append('\n');
        return problems.isEmpty() && report.passed();
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
