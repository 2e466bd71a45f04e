package dev.duplex;

import static dev.duplex.Recorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Interop: Duplex's client against Python {@code websockets} (Debian 10.4) and Node {@code ws} servers,
 * over ws and wss, with and without permessage-deflate: text and binary echoes from 0 bytes to 512 KiB,
 * the negotiated extension, and a server-initiated close with code and reason.
 */
class ClientInteropTest {

    private static final Path NODE_MODULES = Path.of("..", "conformance", "node", "node_modules").toAbsolutePath();

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "python, ws, deflate", "python, ws, plain", "python, wss, deflate", "python, wss, plain",
            "node, ws, deflate", "node, ws, plain", "node, wss, deflate", "node, wss, plain",
    })
    void echoAndCloseAgainstPeer(String peer, String scheme, String mode) throws Exception {
        boolean tls = scheme.equals("wss");
        Process p = startPeer(peer, mode, tls);
        try {
            int port = readPort(p);
            String base = (tls ? "wss://localhost:" : "ws://127.0.0.1:") + port;
            WebSocketOptions options = WebSocketOptions.builder()
                    .sslContext(TestTls.get().clientContext)
                    .build();
            WebSocket ws = new WebSocket(base + "/echo", options);
            assertThat(ws.awaitOpen(TIMEOUT)).as("open against " + peer).isTrue();
            if (mode.equals("deflate")) {
                assertThat(ws.extensions()).startsWith("permessage-deflate");
            } else {
                assertThat(ws.extensions()).isEmpty();
            }
            ws.setBinaryType("arraybuffer");
            Recorder r = Recorder.on(ws);
            Random random = new Random(42);
            for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 512 * 1024}) {
                String text = "duplex é ü — ".repeat(size / 12 + 1).substring(0, size);
                ws.send(text);
                assertThat(r.message().data()).as("text echo of %d", size).isEqualTo(text);
                byte[] bytes = new byte[size];
                random.nextBytes(bytes);
                ws.send(bytes);
                assertThat(r.message().bytes()).as("binary echo of %d", size).isEqualTo(bytes);
            }
            ws.close(1000, "done");
            CloseEvent closed = ws.awaitClose(TIMEOUT);
            assertThat(closed).isNotNull();
            assertThat(closed.wasClean()).isTrue();
            assertThat(closed.code()).isEqualTo(1000);

            Recorder r2 = new Recorder();
            WebSocket ws2 = r2.connect(base + "/close", options, s -> s.setOnopen(e -> s.send("bye please")));
            r2.next("open");
            CloseEvent serverClose = r2.close();
            assertThat(serverClose.code()).isEqualTo(peer.equals("python") ? 4001 : 4002);
            assertThat(serverClose.reason()).isEqualTo(peer.equals("python") ? "py bye" : "node bye");
            assertThat(serverClose.wasClean()).isTrue();
            r2.assertNoMore(ws2);
        } finally {
            p.getOutputStream().close(); // the peer exits when stdin closes
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static Process startPeer(String peer, String mode, boolean tls) throws Exception {
        List<String> cmd = new ArrayList<>();
        Path script;
        if (peer.equals("python")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3");
            assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import websockets").start().waitFor() == 0,
                    "needs Debian's python3-websockets");
            script = resource("python_server.py");
            cmd.addAll(List.of("/usr/bin/python3", script.toString(), mode));
        } else {
            assumeTrue(Files.isDirectory(NODE_MODULES.resolve("ws")), "needs npm ci in conformance/node");
            script = resource("node_server.js");
            cmd.addAll(List.of("node", script.toString(), mode));
        }
        if (tls) {
            TestTls t = TestTls.get();
            cmd.addAll(List.of(t.certPem.toString(), t.keyPem.toString()));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_PATH", NODE_MODULES.toString());
        return pb.start();
    }

    private static Path resource(String name) throws Exception {
        Path f = Files.createTempFile("duplex-peer", name);
        f.toFile().deleteOnExit();
        try (InputStream in = ClientInteropTest.class.getResourceAsStream(name)) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    private static int readPort(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    if (l.startsWith("PORT ")) {
                        return l;
                    }
                }
                return null;
            } catch (Exception e) {
                return null;
            }
        });
        String l = line.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(l).as("peer printed its port").isNotNull();
        return Integer.parseInt(Arrays.asList(l.split(" ")).get(1).trim());
    }
}
