package dev.duplex.server;

import dev.duplex.CloseEvent;
import dev.duplex.protocol.Limits;
import dev.duplex.transport.Leaks;
import dev.duplex.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real peers as clients of a Duplex server: Python {@code websockets} (Debian python3-websockets) and
 * Node {@code ws}, over ws and wss, with and without permessage-deflate. Each peer runs the same
 * scenario (see {@code src/test/resources/peers/}): text and binary echoes of 0 B to 16 MiB,
 * fragmented messages, ping, a client-initiated close (4001) and a server-initiated close (4002).
 * The server side asserts the close code and reason it saw and that nothing leaked.
 */
class PeerInteropNetworkTest {

    static final Path PEERS = Path.of("src/test/resources/peers").toAbsolutePath();
    static final Path NODE_WS = Path.of("../conformance/node/node_modules/ws").toAbsolutePath().normalize();

    private final BlockingQueue<String> serverSaw = new LinkedBlockingQueue<>();

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNone();
    }

    WebSocketServer server(boolean tls, boolean deflate, boolean parts) {
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .limits(Limits.DEFAULTS.withMaxMessageSize(32 << 20).withMaxFrameSize(32 << 20))
                .permessageDeflate(deflate)
                .route("/echo", new WebSocketHandler() {
                    public void onOpen(ServerWebSocket ws) {
                        serverSaw.add("open " + ws.extensions());
                        if (parts) {
                            ws.onpart(ws::sendPart); // echo each part as it arrives
                        }
                    }

                    public void onMessage(ServerWebSocket ws, Message m) {
                        ws.send(m);
                    }

                    public void onClose(ServerWebSocket ws, CloseEvent e) {
                        serverSaw.add("close " + e.code() + " " + e.reason() + " " + e.wasClean());
                    }
                })
                .route("/close", ws -> ws.onmessage(m -> ws.close(4002, "server bye")));
        if (tls) {
            b.tls(TestCertificates.get().serverContext());
        }
        return b.build().start();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @CsvSource({
            "python, ws, plain, whole", "python, ws, deflate, whole", "python, wss, plain, whole", "python, wss, deflate, whole",
            "node, ws, plain, whole", "node, ws, deflate, whole", "node, wss, plain, whole", "node, wss, deflate, whole",
            "python, ws, plain, parts", "python, wss, deflate, parts", "node, ws, plain, parts", "node, wss, deflate, parts"})
    void peerClientAgainstDuplexServer(String peer, String scheme, String mode, String echo) throws Exception {
        boolean tls = scheme.equals("wss");
        boolean deflate = mode.equals("deflate");
        List<String> cmd = new ArrayList<>();
        if (peer.equals("python")) {
            assumePeer(Files.isExecutable(Path.of("/usr/bin/python3")) && pythonHasWebsockets(), "python3-websockets");
            cmd.addAll(List.of("/usr/bin/python3", PEERS.resolve("python_client.py").toString()));
        } else {
            assumePeer(Files.isDirectory(NODE_WS), "node ws (run npm ci in conformance/node)");
            cmd.addAll(List.of("node", PEERS.resolve("node_client.js").toString()));
        }
        try (WebSocketServer server = server(tls, deflate, "parts".equals(echo))) {
            String host = tls ? "localhost" : "127.0.0.1";
            cmd.add(scheme + "://" + host + ":" + server.port());
            cmd.add(tls ? TestCertificates.get().pemFile().toString() : "-");
            cmd.add(mode);
            String out = run(cmd);
            assertThat(out).contains("ALL OK");
            String open = serverSaw.poll(60, TimeUnit.SECONDS);
            assertThat(open).startsWith("open");
            if (deflate) {
                assertThat(open).contains("permessage-deflate");
            } else {
                assertThat(open).isEqualTo("open ");
            }
            assertThat(serverSaw.poll(60, TimeUnit.SECONDS)).isEqualTo("close 4001 bye true");
        }
    }

    static void assumePeer(boolean present, String what) {
        if (System.getenv("CI") != null) {
            assertThat(present).as(what + " must be installed in CI (.ci/run)").isTrue();
        }
        assumeTrue(present, what + " not installed");
    }

    static boolean pythonHasWebsockets() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import websockets").start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NODE_WS_PATH", NODE_WS.toString());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        String text = new String(out, StandardCharsets.UTF_8);
        if (!done) {
            p.destroyForcibly();
        }
        assertThat(done && p.exitValue() == 0).as("peer %s failed:%n%s", cmd, text).isTrue();
        return text;
    }
}
