package dev.duplex.redis.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real {@code redis-server} for tests, on a free loopback port: without persistence
 * ({@link #start()}), or with {@code appendonly yes} in a temporary folder, so it can be stopped and
 * started again with its data ({@link #startPersistent()}, {@link #stop()}, {@link #restart()}). Without
 * redis-server on the PATH a test is skipped, except under CI ({@code $CI} set), where
 * {@code .ci/run} installs it and its absence fails the test. Shared with {@code duplex-app}'s tests
 * through this module's test jar.
 */
public final class RedisServer implements AutoCloseable {

    private Process process;
    private final int port;
    private final Path dir; // null: no persistence

    private RedisServer(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    /** Starts one without persistence and waits until it accepts connections. */
    public static RedisServer start() throws IOException {
        return start(null);
    }

    /** Starts one with {@code appendonly yes} in a new temporary folder. */
    public static RedisServer startPersistent() throws IOException {
        return start(Files.createTempDirectory("duplex-redis"));
    }

    private static RedisServer start(Path dir) throws IOException {
        boolean installed = onPath("redis-server");
        if (System.getenv("CI") == null) {
            assumeTrue(installed, "redis-server is not installed (CI installs it: .ci/run)");
        } else {
            assertThat(installed).as("redis-server on PATH (installed by .ci/run)").isTrue();
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        RedisServer server = new RedisServer(port, dir);
        server.launch();
        return server;
    }

    /** Starts it again on the same port (after {@link #stop()}), with its data if persistent. */
    public void restart() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("still running");
        }
        launch();
    }

    private void launch() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--daemonize", "no"));
        if (dir == null) {
            command.addAll(List.of("--appendonly", "no"));
        } else {
            command.addAll(List.of("--appendonly", "yes", "--dir", dir.toString()));
        }
        Process redis = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader log = new BufferedReader(new InputStreamReader(redis.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = log.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains("Ready to accept connections")) {
                Thread.ofVirtual().start(() -> { // keep the pipe drained until redis-server exits
                    try {
                        while (log.readLine() != null) {
                            // discard
                        }
                    } catch (IOException closed) {
                        // the process is gone
                    }
                });
                process = redis;
                return;
            }
        }
        throw new IllegalStateException("redis-server exited before it was ready:\n" + seen);
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Stops it (SIGTERM: a persistent one writes its append-only file first) and checks it is gone. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(process.isAlive()).isFalse();
    }

    /** Stops it and deletes its folder, if any. */
    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            stop();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary folder; nothing else to do
            }
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
