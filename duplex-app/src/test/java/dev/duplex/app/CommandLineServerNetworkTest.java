package dev.duplex.app;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code duplex echo} as a process: its startup output names the URLs and the config, and SIGTERM
 * (what Ctrl-C also triggers) drains it: an open connection gets 1001, and while a peer takes its
 * time to answer, {@code /ready} says 503, {@code /health} still 200 and new upgrades get 503; the
 * process exits once the last closing handshake is done.
 */
class CommandLineServerNetworkTest {

    private static final int PATIENCE_SECONDS = 60;

    /** The next line that starts with {@code prefix} (log lines may come first). */
    private static String lineStartingWith(BufferedReader out, String prefix) throws java.io.IOException {
        for (String line; (line = out.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        return null;
    }

    private static int status(HttpClient http, String url) throws Exception {
        return http.send(java.net.http.HttpRequest.newBuilder(URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    void startupOutputAndDrainOnSigterm() throws Exception {
        Process echo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "echo", "--port", "0", "--max-message", "2MiB", "--deflate", "off", "--max-connections", "3",
                "--drain-timeout", "2m")
                .redirectErrorStream(true)
                .start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            BufferedReader out = new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = Pattern.compile("Duplex echo server listening on 127\\.0\\.0\\.1:(\\d+)").matcher(first);
            assertThat(m.matches()).as(first).isTrue();
            int port = Integer.parseInt(m.group(1));
            List<String> banner = List.of(out.readLine(), out.readLine(), out.readLine(), out.readLine(), out.readLine());
            assertThat(banner.get(0)).contains("page:", "http://127.0.0.1:" + port + "/");
            assertThat(banner.get(1)).contains("echo:", "ws://127.0.0.1:" + port + "/echo");
            String base = "http://127.0.0.1:" + port + "/";
            assertThat(banner.get(2)).contains("ops:", base + "health", base + "ready", base + "metrics");
            assertThat(banner.get(3)).contains("max message 2MiB", "at most 3 connections", "permessage-deflate off", "no TLS");
            assertThat(banner.get(4)).contains("Ctrl-C", "up to 120s");

            // The peer answers the drain's close only when the test says so: the drain waits for it.
            CompletableFuture<Integer> closeCode = new CompletableFuture<>();
            CompletableFuture<Void> answerClose = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closeCode.complete(code);
                            return answerClose;
                        }
                    })
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);

            // --max-connections 3: the WebSocket and two silent sockets fill it, a fourth is closed at once
            try (java.net.Socket silent = new java.net.Socket("127.0.0.1", port);
                 java.net.Socket silent2 = new java.net.Socket("127.0.0.1", port);
                 java.net.Socket third = new java.net.Socket("127.0.0.1", port)) {
                third.setSoTimeout(PATIENCE_SECONDS * 1000);
                int read;
                try {
                    read = third.getInputStream().read();
                } catch (java.io.IOException reset) {
                    read = -1;
                }
                assertThat(read).as("the connection over the cap is closed").isEqualTo(-1);
                assertThat(silent.isClosed()).isFalse();
            }

            assertThat(status(http, base + "ready")).isEqualTo(200);

            // SIGTERM runs the shutdown hook, as Ctrl-C does (Process.destroy would close our pipes).
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(echo.pid())).start()
                    .waitFor()).isZero();
            assertThat(closeCode.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(lineStartingWith(out, "Draining:")).isEqualTo("Draining: 1 open connection(s) get 1001, up to 120s ...");

            // draining: not ready, still healthy, no new WebSockets
            assertThat(status(http, base + "ready")).isEqualTo(503);
            assertThat(status(http, base + "health")).isEqualTo(200);
            try (java.net.Socket late = new java.net.Socket("127.0.0.1", port)) {
                late.setSoTimeout(PATIENCE_SECONDS * 1000);
                late.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(new String(late.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
                        .startsWith("HTTP/1.1 503 ");
            }
            assertThat(echo.isAlive()).as("the drain waits for the peer's close").isTrue();

            answerClose.complete(null);
            assertThat(echo.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
            String rest = String.join("\n", out.lines().toList());
            assertThat(rest).contains("Stopped (0 connection(s) dropped at the deadline).");
            ws.abort();
        } finally {
            echo.destroyForcibly();
        }
    }
}
