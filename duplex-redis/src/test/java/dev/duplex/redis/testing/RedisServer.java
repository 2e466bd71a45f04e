package dev.duplex.redis.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real {@code redis-server} for tests, on a free loopback port, without persistence. Without
 * redis-server on the PATH a test is skipped, except under CI ({@code $CI} set), where
 * {@code .ci/run} installs it and its absence fails the test. Shared with {@code duplex-app}'s tests
 * through this module's test jar.
 */
public final class RedisServer implements AutoCloseable {

    private final Process process;
    private final String uri;

    private RedisServer(Process process, String uri) {
        this.process = process;
        this.uri = uri;
    }

    /** Starts one and waits until it accepts connections. */
    public static RedisServer start() throws IOException {
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
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).start();
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
                return new RedisServer(redis, "redis://127.0.0.1:" + port);
            }
        }
        throw new IllegalStateException("redis-server exited before it was ready:\n" + seen);
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return uri;
    }

    /** Stops it and checks it is gone. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(process.isAlive()).isFalse();
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
