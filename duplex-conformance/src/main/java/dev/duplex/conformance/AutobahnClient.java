package dev.duplex.conformance;

import dev.duplex.CloseEvent;
import dev.duplex.WebSocket;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives Autobahn's fuzzing server with Duplex's browser-shaped client exactly as
 * {@code new WebSocket(url)} makes it (no options: the defaults are what is judged), following the suite's
 * protocol: {@code /getCaseCount}, then {@code /runCase?case=N&agent=A} for every case, echoing each
 * message in kind until the fuzzer closes, then {@code /updateReports?agent=A}.
 *
 * <p>{@code java dev.duplex.conformance.AutobahnClient ws://127.0.0.1:9001 [agent]}
 */
public final class AutobahnClient {
    /** Longer than the longest case's own timeout (480 s in sections 12 and 13). */
    static final Duration CASE_TIMEOUT = Duration.ofMinutes(10);

    private final String base;
    private final String agent;

    public AutobahnClient(String base, String agent) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.agent = agent;
    }

    /** How many cases the fuzzing server will run. */
    public int caseCount() throws IOException, InterruptedException {
        AtomicReference<String> reply = new AtomicReference<>();
        WebSocket ws = new WebSocket(base + "/getCaseCount");
        ws.setOnmessage(e -> reply.set(e.text()));
        await(ws, Duration.ofSeconds(60), "getCaseCount");
        if (reply.get() == null) {
            throw new IOException("fuzzing server sent no case count");
        }
        return Integer.parseInt(reply.get().trim());
    }

    /** Runs case {@code n} (1-based), echoing every message; returns how the connection closed. */
    public CloseEvent runCase(int n) throws IOException, InterruptedException {
        WebSocket ws = new WebSocket(base + "/runCase?case=" + n + "&agent=" + encodedAgent());
        ws.setBinaryType("arraybuffer");
        ws.setOnmessage(m -> {
            if (m.isText()) {
                ws.send(m.text());
            } else {
                ws.send(m.bytes());
            }
        });
        return await(ws, CASE_TIMEOUT, "case " + n);
    }

    /** Asks the fuzzing server to write its reports (index.json, HTML) for this agent. */
    public void updateReports() throws IOException, InterruptedException {
        await(new WebSocket(base + "/updateReports?agent=" + encodedAgent()),
                Duration.ofMinutes(2), "updateReports");
    }

    /** Runs every case, printing one line per case; returns the case count. */
    public int runAll() throws IOException, InterruptedException {
        int count = caseCount();
        for (int n = 1; n <= count; n++) {
            long t0 = System.nanoTime();
            CloseEvent close = runCase(n);
            if (Boolean.getBoolean("autobahn.verbose")) {
                System.out.printf("case %d/%d: close %d%s in %d ms%n", n, count, close.code(),
                        close.wasClean() ? "" : " (unclean)", (System.nanoTime() - t0) / 1_000_000);
            }
        }
        updateReports();
        return count;
    }

    private String encodedAgent() {
        return URLEncoder.encode(agent, StandardCharsets.UTF_8);
    }

    private static CloseEvent await(WebSocket ws, Duration timeout, String what)
            throws IOException, InterruptedException {
        CloseEvent close = ws.awaitClose(timeout);
        if (close == null) {
            ws.close();
            throw new IOException(what + ": connection still open after " + timeout);
        }
        return close;
    }

    public static void main(String[] args) throws Exception {
        String url = args.length > 0 ? args[0] : "ws://127.0.0.1:9001";
        String agent = args.length > 1 ? args[1] : "Duplex";
        int count = new AutobahnClient(url, agent).runAll();
        System.out.println("ran " + count + " cases against " + url + " as " + agent);
    }
}
