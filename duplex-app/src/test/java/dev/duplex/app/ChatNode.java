package dev.duplex.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code duplex chat --port 0 --redis URI} as a separate process (the app's main class on the test
 * class path, so no jar needs building first), for tests that kill nodes. Keeps the process's last
 * output lines for failure messages.
 */
final class ChatNode implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("Duplex chat server listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final int port;
    private final ArrayDeque<String> output = new ArrayDeque<>();

    private ChatNode(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a node on a free port and waits for its banner. */
    static ChatNode start(String redisUri, String... more) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "chat", "--port", "0", "--redis", redisUri));
        command.addAll(List.of(more));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = out.readLine()) != null; ) {
            seen.append(line).append('\n');
            Matcher m = LISTENING.matcher(line);
            if (m.matches()) {
                ChatNode node = new ChatNode(process, Integer.parseInt(m.group(1)));
                Thread.ofVirtual().start(() -> node.drain(out));
                return node;
            }
        }
        throw new IllegalStateException("duplex chat exited before listening:\n" + seen);
    }

    private void drain(BufferedReader out) {
        try {
            for (String line; (line = out.readLine()) != null; ) {
                synchronized (output) {
                    output.addLast(line);
                    if (output.size() > 50) {
                        output.removeFirst();
                    }
                }
            }
        } catch (IOException gone) {
            // the process ended
        }
    }

    /** A WebSocket URL on this node, e.g. {@code ws://127.0.0.1:PORT/chat/lobby?name=x}. */
    String ws(String pathAndQuery) {
        return "ws://127.0.0.1:" + port + pathAndQuery;
    }

    /** {@code /health}: the status code and body. */
    String health(HttpClient http) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().strip().replace('\n', ' ');
    }

    /** {@code kill -9}: no goodbye to anyone. */
    void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** The last lines the process wrote. */
    String lastOutput() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
