package dev.duplex.bench.rooms;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processes under test: an optional {@code redis-server} ({@code appendonly yes} in a temporary
 * folder, a free port) and N {@code java -jar duplex.jar chat} nodes on it (or one without it).
 */
final class Cluster implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Duplex chat server listening on [^:]+:(\\d+)");

    private final List<Process> processes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private Path redisDir;

    /** {@code redis}: start a redis-server and give every node {@code --redis}. */
    static Cluster start(Path jar, int nodes, boolean redis) throws IOException {
        Cluster c = new Cluster();
        try {
            String uri = redis ? c.startRedis() : null;
            for (int i = 0; i < nodes; i++) {
                c.startNode(jar, uri);
            }
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** The room's URL on node {@code i} (round robin). */
    String room(int i, String room) {
        return "ws://127.0.0.1:" + ports.get(i % ports.size()) + "/chat/" + room;
    }

    int nodes() {
        return ports.size();
    }

    private String startRedis() throws IOException {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        redisDir = Files.createTempDirectory("duplex-bench-redis");
        Process p = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "yes", "--dir", redisDir.toString(), "--daemonize", "no")
                .redirectErrorStream(true).start();
        processes.add(p);
        awaitLine(p, Pattern.compile(".*Ready to accept connections.*"));
        return "redis://127.0.0.1:" + port;
    }

    private void startNode(Path jar, String redisUri) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx256m", "-jar", jar.toString(), "chat", "--port", "0", "--max-queued", "8MiB"));
        if (redisUri != null) {
            cmd.addAll(List.of("--redis", redisUri));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        processes.add(p);
        Matcher m = awaitLine(p, LISTENING);
        ports.add(Integer.parseInt(m.group(1)));
    }

    /** Reads the process's output until a line matches, then keeps draining it. */
    private static Matcher awaitLine(Process p, Pattern pattern) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        while (out.readLine() != null) {
                            // drained
                        }
                    } catch (IOException gone) {
                        // exited
                    }
                });
                return m;
            }
        }
        throw new IOException("process exited before it was ready:\n" + seen);
    }

    @Override
    public void close() {
        for (Process p : processes.reversed()) {
            p.destroy();
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        if (redisDir != null) {
            try (var files = Files.walk(redisDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary folder
            }
        }
    }
}
