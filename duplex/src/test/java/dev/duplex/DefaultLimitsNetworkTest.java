package dev.duplex;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code new WebSocket(url)} with no options receives what a browser receives from real servers:
 * Node {@code ws} and Python {@code websockets} send 4 MiB in 1 KiB fragments, Node {@code ws}
 * then 32 MiB in one message ({@code src/test/resources/peers/fragments.*}). With the old defaults
 * (1 MiB, 1024 fragments) both were closed with 1009.
 */
class DefaultLimitsNetworkTest {

    static final Path PEERS = Path.of("src/test/resources/peers").toAbsolutePath();
    static final Path NODE_WS = Path.of("../conformance/node/node_modules/ws").toAbsolutePath().normalize();
    static final int MIB = 1 << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "python"})
    void bigFragmentedAndWholeMessagesFromAPeerServer(String peer) throws Exception {
        Process p = start(peer);
        try {
            int port = readPort(p);
            WebSocket ws = new WebSocket("ws://127.0.0.1:" + port + "/");
            ws.setBinaryType("arraybuffer");
            ClientRecorder r = ClientRecorder.on(ws);
            r.next("open");
            assertPattern(r.message().bytes(), 4 * MIB, 7);
            if (peer.equals("node")) {
                assertPattern(r.message().bytes(), 32 * MIB, 13);
            }
            ws.close(1000, "got it");
            CloseEvent closed = ws.awaitClose(TIMEOUT);
            assertThat(closed.code()).isEqualTo(1000);
            assertThat(closed.wasClean()).isTrue();
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** The peers' content: byte i is {@code (i * seed + (i >> 10)) & 0xff}. */
    static void assertPattern(byte[] got, int size, int seed) {
        assertThat(got).as("message size").hasSize(size);
        for (int i = 0; i < size; i++) {
            if (got[i] != (byte) (i * seed + (i >> 10))) {
                throw new AssertionError("byte " + i + " of the " + size + "-byte message differs");
            }
        }
    }

    static Process start(String peer) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (peer.equals("python")) {
            assumePeer(Files.isExecutable(Path.of("/usr/bin/python3"))
                    && new ProcessBuilder("/usr/bin/python3", "-c", "import websockets").start().waitFor() == 0,
                    "python3-websockets");
            cmd.addAll(List.of("/usr/bin/python3", PEERS.resolve("fragments.py").toString(), "server"));
        } else {
            assumePeer(Files.isDirectory(NODE_WS), "node ws (npm ci in conformance/node)");
            cmd.addAll(List.of("node", PEERS.resolve("fragments.js").toString(), "server"));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("NODE_WS_PATH", NODE_WS.toString());
        return pb.start();
    }

    static void assumePeer(boolean present, String what) {
        if (System.getenv("CI") != null) {
            assertThat(present).as(what + " must be installed in CI (.ci/run)").isTrue();
        }
        assumeTrue(present, what + " not installed");
    }

    static int readPort(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.startsWith("PORT ")) {
                        return Integer.parseInt(l.substring(5).trim());
                    }
                }
                throw new IllegalStateException("peer exited without a port");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        return port.get(60, TimeUnit.SECONDS);
    }
}
