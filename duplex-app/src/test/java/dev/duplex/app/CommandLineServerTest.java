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
 * (what Ctrl-C also triggers) stops it gracefully: an open connection gets 1001.
 */
class CommandLineServerTest {

    private static final int PATIENCE_SECONDS = 60;

    @Test
    void startupOutputAndGracefulStop() throws Exception {
        Process echo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "echo", "--port", "0", "--max-message", "2MiB", "--deflate", "off", "--max-connections", "2")
                .redirectErrorStream(true)
                .start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            BufferedReader out = new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            Matcher m = Pattern.compile("Duplex echo server listening on 127\\.0\\.0\\.1:(\\d+)").matcher(first);
            assertThat(m.matches()).as(first).isTrue();
            int port = Integer.parseInt(m.group(1));
            List<String> banner = List.of(out.readLine(), out.readLine(), out.readLine(), out.readLine());
            assertThat(banner.get(0)).contains("page:", "http://127.0.0.1:" + port + "/");
            assertThat(banner.get(1)).contains("echo:", "ws://127.0.0.1:" + port + "/echo");
            assertThat(banner.get(2)).contains("max message 2MiB", "at most 2 connections", "permessage-deflate off", "no TLS");
            assertThat(banner.get(3)).contains("Ctrl-C");

            CompletableFuture<Integer> closeCode = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                            closeCode.complete(code);
                            return null;
                        }
                    })
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);

            // --max-connections 2: the WebSocket and one silent socket fill it, a third is closed at once
            try (java.net.Socket silent = new java.net.Socket("127.0.0.1", port);
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

            // SIGTERM runs the shutdown hook, as Ctrl-C does (Process.destroy would close our pipes).
            assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(echo.pid())).start()
                    .waitFor()).isZero();
            assertThat(closeCode.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(echo.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
            String rest = String.join("\n", out.lines().toList());
            assertThat(rest).contains("Stopping: 1 open connection(s) get 1001").contains("Stopped.");
            ws.abort();
        } finally {
            echo.destroyForcibly();
        }
    }
}
