package dev.duplex.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code duplex client} as a user runs it: in a real terminal (a private tmux server, so JLine sees
 * a pty), typing lines and Ctrl-D; and as scripts run it (--execute, a failed connection).
 */
class ClientTerminalNetworkTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private static RunningServer echo;
    private final String tmuxSocket = "duplex-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    private boolean tmuxStarted;
    /** One permit per change of the pane: a tmux control-mode client reports each ({@link #watchPane}). */
    private final Semaphore paneChanged = new Semaphore(0);

    @BeforeAll
    static void startEcho() {
        echo = EchoServer.start(ServerSettings.loopback(0, EchoServer.DEFAULT_MAX_MESSAGE));
    }

    @AfterAll
    static void stopEcho() {
        if (echo != null) {
            echo.close();
        }
    }

    @AfterEach
    void killTmux() throws Exception {
        if (tmuxStarted) {
            run(List.of("tmux", "-L", tmuxSocket, "kill-server"));
        }
    }

    /** The command line that runs {@code duplex client ARGS} from the test class path. */
    private static List<String> duplexClient(String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "client"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void typedLinesAreEchoedAndCtrlDClosesNormally() throws Exception {
        if (System.getenv("CI") == null) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux is not installed");
        }
        Path script = Files.createTempFile("duplex-client", ".sh");
        String line = String.join(" ", duplexClient(echo.wsUrl("/echo")).stream().map(ClientTerminalNetworkTest::quote).toList());
        Files.writeString(script, line + "\necho \"[exit $?]\"\nread -r _\n");
        run(List.of("tmux", "-L", tmuxSocket, "-f", "/dev/null", "new-session", "-d", "-s", "t",
                "-x", "160", "-y", "40", "sh " + script));
        tmuxStarted = true;
        watchPane();

        String pane = awaitPane("the client to connect", p -> p.contains("Connected to " + echo.wsUrl("/echo")));
        assertThat(pane).contains("Ctrl-D closes");

        sendKeys("hello from a terminal", "Enter");
        awaitPane("the echo", p -> p.contains("< hello from a terminal"));
        sendKeys("ünïcødé ✓", "Enter");
        awaitPane("the unicode echo", p -> p.contains("< ünïcødé ✓"));

        sendKeys("C-d");
        pane = awaitPane("the close and the exit", p -> p.contains("[exit "));
        assertThat(pane).contains("> hello from a terminal")
                .contains("Closed with code 1000")
                .contains("[exit 0]");
        Files.delete(script);
    }

    @Test
    void executeSendsOneMessageAndPrintsTheReply() throws Exception {
        Result r = run(duplexClient(echo.wsUrl("/any/path"), "--execute", "ping?"));
        assertThat(r.stdout).isEqualTo("ping?\n");
        assertThat(r.exit).isZero();
    }

    @Test
    void pipedLinesAreChatMessages() throws Exception {
        try (RunningServer chat = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                ChatSettings.DEFAULTS);
             HttpClient http = HttpClient.newHttpClient()) {
            BlockingQueue<String> seen = new LinkedBlockingQueue<>();
            WebSocket watcher = http.newWebSocketBuilder().buildAsync(URI.create(chat.wsUrl("/chat/pipe?name=watcher")),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                            seen.add(data.toString());
                            ws.request(1);
                            return null;
                        }
                    }).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            // Input ends after two lines: the client sends them, closes with 1000 and exits 0.
            // (Replies that arrive after its close are dropped, as a browser drops them.)
            Result r = run(duplexClient(chat.wsUrl("/chat/pipe?name=piper")), "first line\n{\"type\":\"message\",\"text\":\"json line\"}\n");
            assertThat(r.stdout).contains("Connected to " + chat.wsUrl("/chat/pipe?name=piper"))
                    .contains("Closed with code 1000");
            assertThat(r.exit).isZero();

            List<String> texts = new ArrayList<>();
            while (texts.size() < 2) {
                String m = seen.poll(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                assertThat(m).as("chat traffic seen by the watcher").isNotNull();
                if (m.contains("\"type\":\"message\"")) {
                    assertThat(m).contains("\"from\":\"piper\"");
                    texts.add(m.replaceAll(".*\"text\":\"([^\"]*)\".*", "$1"));
                }
            }
            assertThat(texts).containsExactly("first line", "json line");
            watcher.abort(); // HttpClient.close() waits for open sockets
        }
    }

    @Test
    void aFailedConnectionIsAClearErrorAndExitStatusOne() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Result r = run(duplexClient("ws://127.0.0.1:" + closedPort + "/", "--timeout", "20"));
        assertThat(r.stderr).contains("cannot connect to ws://127.0.0.1:" + closedPort + "/");
        assertThat(r.exit).isEqualTo(1);
    }

    private void sendKeys(String... keys) throws Exception {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", tmuxSocket, "send-keys", "-t", "t"));
        command.addAll(List.of(keys));
        run(command);
    }

    /**
     * Follows the session through a tmux control-mode client (it ends with the tmux server): each
     * {@code %output} notification means the pane changed, a reason to look at it again.
     */
    private void watchPane() throws IOException {
        Process watcher = new ProcessBuilder("tmux", "-L", tmuxSocket, "-C", "attach-session", "-t", "t",
                "-f", "ignore-size,read-only").redirectErrorStream(true).start();
        Thread.ofVirtual().start(() -> {
            try (var lines = watcher.inputReader(StandardCharsets.UTF_8)) {
                for (String l; (l = lines.readLine()) != null; ) {
                    if (l.startsWith("%output") || l.startsWith("%exit")) {
                        paneChanged.release();
                    }
                }
            } catch (IOException ignored) {
                // the tmux server is gone
            }
        });
    }

    /**
     * Looks at the pane each time it changes until the condition holds; fails with the pane's text
     * after PATIENCE without a change that satisfies it.
     */
    private String awaitPane(String what, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        String pane;
        do {
            paneChanged.drainPermits(); // a change from here on is seen by the next capture
            pane = run(List.of("tmux", "-L", tmuxSocket, "capture-pane", "-p", "-t", "t", "-S", "-200")).stdout;
            if (condition.test(pane)) {
                return pane;
            }
        } while (paneChanged.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        throw new AssertionError("timed out waiting for " + what + "; the terminal shows:\n" + pane);
    }

    record Result(int exit, String stdout, String stderr) {}

    private static Result run(List<String> command) throws IOException, InterruptedException {
        return run(command, "");
    }

    private static Result run(List<String> command, String stdin) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[][] streams = new byte[2][];
        Thread readOut = Thread.ofVirtual().start(() -> streams[0] = readAll(p.getInputStream()));
        Thread readErr = Thread.ofVirtual().start(() -> streams[1] = readAll(p.getErrorStream()));
        if (!p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("still running after " + PATIENCE + ": " + command);
        }
        readOut.join();
        readErr.join();
        return new Result(p.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
                new String(streams[1], StandardCharsets.UTF_8));
    }

    private static byte[] readAll(java.io.InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return e.toString().getBytes(StandardCharsets.UTF_8);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(TlsEngine.class)
    void insecureTlsWorksAgainstASelfSignedEchoServer(TlsEngine engine, @org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path store = dir.resolve("echo.p12");
        Result made = run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "secret",
                "-alias", "echo", "-keyalg", "EC", "-dname", "CN=localhost", "-validity", "2"));
        assertThat(made.exit).as(made.stderr).isZero();
        ServerSettings tls = new ServerSettings("127.0.0.1", 0, store, "secret".toCharArray(), true,
                EchoServer.DEFAULT_MAX_MESSAGE, ServerSettings.AUTO, List.of(), ServerSettings.DEFAULT_DRAIN_TIMEOUT,
                engine);
        // auto is BoringSSL on the platforms CI runs on (Linux x86-64), as `duplex echo` ships.
        assertThat(engine.resolved()).isEqualTo(engine == TlsEngine.jdk ? TlsEngine.jdk : TlsEngine.boringssl);
        try (RunningServer secure = EchoServer.start(tls)) {
            assertThat(secure.wsUrl("/")).startsWith("wss://");
            Result refused = run(duplexClient(secure.wsUrl("/"), "-x", "hi"));
            assertThat(refused.exit).isEqualTo(1);
            assertThat(refused.stderr).contains("cannot connect");
            Result r = run(duplexClient(secure.wsUrl("/"), "--insecure", "-x", "over TLS"));
            assertThat(r.stdout).as(r.stderr).isEqualTo("over TLS\n");
            assertThat(r.exit).isZero();
        }
    }
}
