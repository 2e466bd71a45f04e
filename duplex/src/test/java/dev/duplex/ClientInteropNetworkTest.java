package dev.duplex;

import dev.duplex.testing.TestCertificates;
import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
class ClientInteropNetworkTest {

    static final Path PEERS = Path.of("src/test/resources/peers").toAbsolutePath();
    static final Path NODE_WS = Path.of("../conformance/node/node_modules/ws").toAbsolutePath().normalize();

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
                    .sslContext(TestCertificates.get().clientContext())
                    .build();
            WebSocket ws = new WebSocket(base + "/echo", options);
            assertThat(ws.awaitOpen(TIMEOUT)).as("open against " + peer).isTrue();
            if (mode.equals("deflate")) {
                assertThat(ws.extensions()).startsWith("permessage-deflate");
            } else {
                assertThat(ws.extensions()).isEmpty();
            }
            ws.setBinaryType("arraybuffer");
            ClientRecorder r = ClientRecorder.on(ws);
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

            ClientRecorder r2 = new ClientRecorder();
            WebSocket ws2 = r2.connect(base + "/close", options, s -> s.setOnopen(e -> s.send("bye please")));
            r2.next("open");
            CloseEvent serverClose = r2.close();
            assertThat(serverClose.code()).isEqualTo(4002);
            assertThat(serverClose.reason()).isEqualTo("server bye");
            assertThat(serverClose.wasClean()).isTrue();
            r2.assertNoMore(ws2);
        } finally {
            p.destroy(); // the peer runs until killed
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    private static Process startPeer(String peer, String mode, boolean tls) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (peer.equals("python")) {
            assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs /usr/bin/python3");
            assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import websockets").start().waitFor() == 0,
                    "needs Debian's python3-websockets");
            cmd.addAll(List.of("/usr/bin/python3", PEERS.resolve("python_server.py").toString()));
        } else {
            assumeTrue(Files.isDirectory(NODE_WS), "needs npm ci in conformance/node");
            cmd.addAll(List.of("node", PEERS.resolve("node_server.js").toString()));
        }
        TestCertificates certs = TestCertificates.get();
        cmd.add(tls ? certs.pemFile().toString() : "-");
        cmd.add(tls ? certs.keyPemFile().toString() : "-");
        // websockets' own permessage-deflate answer, as the library ships it
        cmd.add(peer.equals("python") && mode.equals("deflate") ? "deflate-default" : mode);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_WS_PATH", NODE_WS.toString());
        return pb.start();
    }

    /** The peer prints its port on the first line of stdout. */
    private static int readPort(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (Exception e) {
                return null;
            }
        });
        String l = line.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(l).as("peer printed its port").isNotNull().matches("\\d+");
        return Integer.parseInt(l);
    }
}
