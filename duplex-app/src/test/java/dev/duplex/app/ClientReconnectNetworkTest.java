package dev.duplex.app;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code duplex client --reconnect} against {@code duplex echo} processes on one port: the server is
 * killed (SIGKILL: TCP dropped, 1006), started again, stopped gracefully (SIGTERM: 1001) and started
 * again; the client comes back each time and sends what was typed while it was down.
 */
class ClientReconnectNetworkTest {

    private static final int PATIENCE_SECONDS = 60;

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void comesBackAfterTheServerIsKilledAndAfterItIsStopped() throws Exception {
        int port = freePort();
        String url = "ws://127.0.0.1:" + port + "/echo";
        Process echo = startEcho(port);
        Process client = start(List.of("client", "--reconnect", url));
        Lines out = new Lines(client);
        OutputStream in = client.getOutputStream();

        out.await("Connected to " + url + ".");
        type(in, "one");
        out.await("< one");

        echo.destroyForcibly(); // SIGKILL: no close frame, the client sees the TCP connection end
        assertThat(echo.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(out.await("Disconnected:")).contains("code 1006");
        out.await("Reconnecting in");
        type(in, "typed while the server was down");

        echo = startEcho(port);
        out.await("Connected to " + url + ".");
        out.await("< typed while the server was down");

        assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(echo.pid())).start().waitFor()).isZero();
        assertThat(out.await("Disconnected:")).contains("Closed with code 1001");
        assertThat(echo.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();

        startEcho(port);
        out.await("Connected to " + url + ".");
        type(in, "three");
        out.await("< three");

        in.close(); // end of input: close with 1000, for good
        out.await("Closed with code 1000");
        assertThat(client.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isZero();
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        int port = freePort();
        Process client = start(List.of("client", "--reconnect", "--max-attempts", "2",
                "ws://127.0.0.1:" + port + "/echo"));
        Lines out = new Lines(client);
        out.await("Reconnecting in");
        out.await("(attempt 2)");
        assertThat(out.await("connection failed (code 1006)")).doesNotContain("Disconnected");
        assertThat(client.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(client.exitValue()).isEqualTo(1);
    }

    private Process startEcho(int port) throws IOException {
        Process echo = start(List.of("echo", "--port", Integer.toString(port)));
        BufferedReader out = new BufferedReader(new InputStreamReader(echo.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertThat(first).as("the echo server's first line").contains("listening on 127.0.0.1:" + port);
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep its pipe drained
        return echo;
    }

    private Process start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        return p;
    }

    private static void type(OutputStream in, String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A process's output lines, read as they come. */
    private static final class Lines {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();

        Lines(Process p) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            Thread.ofVirtual().start(() -> r.lines().forEach(lines::add));
        }

        /** The next line containing {@code text}; the lines before it are skipped. */
        String await(String text) throws InterruptedException {
            while (true) {
                String line = lines.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
                assertThat(line).as("a line containing '%s' after %s", text, seen).isNotNull();
                seen.add(line);
                if (line.contains(text)) {
                    return line;
                }
            }
        }
    }
}
