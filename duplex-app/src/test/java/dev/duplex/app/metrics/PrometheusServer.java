package dev.duplex.app.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus server (Debian's {@code prometheus}) for tests: on a free loopback port, with a
 * scrape config pointing at one target every second, its data in a temporary folder. Without
 * {@code prometheus} on the PATH a test is skipped, except under CI ({@code $CI} set), where
 * {@code .ci/run} installs it and its absence fails the test.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Starts one that scrapes {@code http://target/metrics} every second; waits until it is ready. */
    static PrometheusServer scraping(String target) throws IOException {
        boolean installed = onPath("prometheus");
        if (System.getenv("CI") == null) {
            assumeTrue(installed, "prometheus is not installed (CI installs it: .ci/run)");
        } else {
            assertThat(installed).as("prometheus on PATH (installed by .ci/run)").isTrue();
        }
        Path dir = Files.createTempDirectory("duplex-prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: duplex
                    static_configs:
                      - targets: ['%s']
                """.formatted(target));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).start();
        BufferedReader log = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = log.readLine()) != null; ) {
            seen.append(line).append('\n');
            if (line.contains("Server is ready to receive web requests")) {
                Thread.ofVirtual().start(() -> { // keep the pipe drained until prometheus exits
                    try {
                        while (log.readLine() != null) {
                            // discard
                        }
                    } catch (IOException closed) {
                        // the process is gone
                    }
                });
                return new PrometheusServer(p, dir, port);
            }
        }
        throw new IllegalStateException("prometheus exited before it was ready:\n" + seen);
    }

    /** The result vector of an instant query ({@code /api/v1/query}). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("success");
        return body.path("data").path("result");
    }

    /**
     * Queries until {@code until} holds for the result vector (new samples come with each scrape,
     * once a second), for up to {@code patienceSeconds}; returns that result.
     */
    JsonNode await(String promql, Predicate<JsonNode> until, int patienceSeconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(patienceSeconds);
        JsonNode result = query(promql);
        while (!until.test(result)) {
            if (System.nanoTime() - deadline > 0) {
                fail("Prometheus query " + promql + " did not get there within " + patienceSeconds + " s: " + result);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // a poll interval, not a wait for an event
            result = query(promql);
        }
        return result;
    }

    /** The single sample's value of a result vector, or NaN when it is empty. */
    static double value(JsonNode result) {
        return result.isEmpty() ? Double.NaN : result.get(0).path("value").get(1).asDouble();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        http.close();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
        assertThat(process.isAlive()).isFalse();
    }

    private static boolean onPath(String command) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, command).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
