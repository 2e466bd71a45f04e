package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Node {@code ws} or Python {@code websockets} server for the stream tests (the interop peers
 * {@code peers/node_server.js} and {@code peers/python_server.py}, plain): {@code /echo}, and {@code /flood},
 * whose progress the peer prints every 10 ms and {@link #progress()} keeps — Node's
 * {@code bufferedAmount} (bytes it could not hand to its socket yet) or Python's bytes sent.
 */
final class StreamPeer implements AutoCloseable {

    private static final Path PEERS = Path.of("src/test/resources/peers").toAbsolutePath();
    private static final Path NODE_WS = Path.of("../conformance/node/node_modules/ws").toAbsolutePath().normalize();

    final String kind;
    final int port;
    private final Process process;
    /** Node: the latest bufferedAmount (-1 before the first report); Python: the latest bytes sent. */
    private final AtomicLong latest = new AtomicLong(-1);
    private final AtomicLong peak = new AtomicLong(-1);

    private StreamPeer(String kind, Process process) throws Exception {
        this.kind = kind;
        this.process = process;
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> portLine = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                String first = out.readLine(); // the port
                if (first != null) {
                    portLine.complete(Integer.parseInt(first.trim()));
                }
                for (String l; (l = out.readLine()) != null; ) {
                    String[] f = l.split(" ");
                    switch (f[0]) {
                        case "BUFFERED", "SENT" -> {
                            long v = Long.parseLong(f[2].trim());
                            latest.set(v);
                            peak.accumulateAndGet(v, Math::max);
                        }
                        default -> { }
                    }
                }
            } catch (Exception e) {
                portLine.completeExceptionally(e);
            }
            portLine.complete(-1);
        });
        this.port = portLine.get(ClientRecorder.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(port).as(kind + " printed its port").isPositive();
    }

    /** Starts {@code kind} ("node" or "python"), flooding {@code total} bytes in {@code size}-byte messages. */
    static StreamPeer start(String kind, long total, int size) throws Exception {
        List<String> cmd;
        if (kind.equals("python")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3");
            assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import websockets").start().waitFor() == 0,
                    "needs Debian's python3-websockets");
            cmd = List.of("/usr/bin/python3", PEERS.resolve("python_server.py").toString(),
                    "-", "-", "plain", "" + total, "" + size);
        } else {
            assumeTrue(Files.isDirectory(NODE_WS), "needs npm ci in conformance/node");
            cmd = List.of("node", PEERS.resolve("node_server.js").toString(), "-", "-", "plain", "" + total, "" + size);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_WS_PATH", NODE_WS.toString());
        return new StreamPeer(kind, pb.start());
    }

    String url(String path) {
        return "ws://127.0.0.1:" + port + path;
    }

    /** The latest progress report (-1 before the first). */
    long progress() {
        return latest.get();
    }

    /** The largest progress value reported so far. */
    long peak() {
        return peak.get();
    }

    @Override
    public void close() throws Exception {
        process.destroy(); // the peer runs until killed
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
