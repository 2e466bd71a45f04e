package dev.duplex.server;

import dev.duplex.transport.Leaks;
import dev.duplex.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WebSocketServer#shutdown(Duration)} against real peers: the JDK client and Node {@code ws}
 * answer the close (Node's reconnect is refused with 503), a raw socket that never answers holds the
 * drain open (so what happens meanwhile can be asked), and the deadline drops what is left.
 * {@link WebSocketServer#close()} stays immediate.
 */
class DrainNetworkTest {

    private static final long PATIENCE_SECONDS = 60;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

    @AfterEach
    void nothingLeaks() {
        http.close();
        Leaks.assertNone();
    }

    /** The close timeout is longer than any drain here, so only the peers and the deadline end it. */
    private static WebSocketServer.Builder base() {
        return WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .closeTimeout(Duration.ofMinutes(5))
                .route("/echo", ws -> ws.onmessage(ws::send))
                .http("/health", request -> HttpReply.text(200, "ok\n"));
    }

    private WebSocket jdkClient(int port, ServerFeaturesNetworkTest.JdkClient listener) throws Exception {
        return http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), listener)
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void whileDrainingUpgradesGet503HttpStillAnswersAndEveryPeerGets1001() throws Exception {
        WebSocketServer server = base().build().start();
        int port = server.port();
        ServerFeaturesNetworkTest.JdkClient polite = new ServerFeaturesNetworkTest.JdkClient();
        WebSocket ws = jdkClient(port, polite);
        try (RawClient silent = RawClient.upgraded(port, "/echo")) {
            CompletableFuture<Integer> dropped = CompletableFuture.supplyAsync(
                    () -> server.shutdown(Duration.ofMinutes(5)));

            assertThat(polite.closed.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("1001 server shutting down");
            RawClient.Frame close = silent.readFrame();
            assertThat(close.opcode()).isEqualTo(0x8);
            assertThat(close.closeCode()).isEqualTo(1001);
            assertThat(server.draining()).isTrue();

            // the silent peer holds the drain open: new upgrades are refused, plain HTTP answers
            // (a raw request: in this module's test JVM the JDK client's buildAsync never completes on any
            // refused upgrade, 404 included; MetricsEndpointNetworkTest's JDK client sees a 404 as it should)
            try (RawClient probe = new RawClient(port)) {
                probe.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(probe.readAll()).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                        .endsWith("Server is shutting down; try another.\n");
            }
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(dropped).isNotDone();

            silent.close(1001, "");
            assertThat(silent.awaitEof()).isTrue();
            assertThat(dropped.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).as("dropped at the deadline").isZero();
            assertThat(server.connections()).isEmpty();
            assertThat(new ServerFeaturesNetworkTest.RawClientProbe(port).refused()).isTrue();
        } finally {
            ws.abort();
        }
    }

    @Test
    void aNodeWsClientGets1001AndItsReconnectGets503() throws Exception {
        PeerInteropNetworkTest.assumePeer(Files.isDirectory(PeerInteropNetworkTest.NODE_WS), "node ws (run npm ci in conformance/node)");
        WebSocketServer server = base().build().start();
        ProcessBuilder pb = new ProcessBuilder("node", PeerInteropNetworkTest.PEERS.resolve("node_drain_client.js").toString(),
                "ws://127.0.0.1:" + server.port() + "/echo").redirectErrorStream(true);
        pb.environment().put("NODE_WS_PATH", PeerInteropNetworkTest.NODE_WS.toString());
        Process node = pb.start();
        try (RawClient silent = RawClient.upgraded(server.port(), "/echo");
             BufferedReader out = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("open");
            CompletableFuture<Integer> dropped = CompletableFuture.supplyAsync(
                    () -> server.shutdown(Duration.ofMinutes(5)));
            // the silent peer holds the drain open while Node reconnects
            assertThat(out.readLine()).isEqualTo("close 1001 server shutting down");
            assertThat(out.readLine()).isEqualTo("refused 503");
            assertThat(node.waitFor(PATIENCE_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(node.exitValue()).isZero();
            assertThat(silent.readFrame().closeCode()).isEqualTo(1001);
            silent.close(1001, "");
            assertThat(dropped.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isZero();
        } finally {
            node.destroyForcibly();
            server.close();
        }
    }

    @Test
    void theDeadlineDropsPeersThatNeverAnswer() throws Exception {
        WebSocketServer server = base().build().start();
        try (RawClient silent = RawClient.upgraded(server.port(), "/echo")) {
            int dropped = server.shutdown(Duration.ofMillis(200));
            assertThat(dropped).isEqualTo(1);
            assertThat(silent.readFrame().closeCode()).isEqualTo(1001);
            assertThat(silent.awaitEof()).isTrue();
            assertThat(server.shutdown(Duration.ofMinutes(5))).as("idempotent").isZero();
        }
    }

    @Test
    void closeDuringADrainEndsItsWait() throws Exception {
        WebSocketServer server = base().build().start();
        try (RawClient silent = RawClient.upgraded(server.port(), "/echo")) {
            CompletableFuture<Integer> dropped = CompletableFuture.supplyAsync(
                    () -> server.shutdown(Duration.ofMinutes(5)));
            assertThat(silent.readFrame().closeCode()).isEqualTo(1001);
            server.close();
            assertThat(dropped.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1);
            assertThat(silent.awaitEof()).isTrue();
        }
    }

    @Test
    void closeIsImmediate() throws Exception {
        WebSocketServer server = base().build().start();
        ServerFeaturesNetworkTest.JdkClient peer = new ServerFeaturesNetworkTest.JdkClient();
        WebSocket ws = jdkClient(server.port(), peer);
        try {
            server.close();
            // no closing handshake: the JDK client sees the TCP connection end (an error), not a 1001
            assertThat(peer.closed.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("1006 ");
            assertThat(server.connections()).isEmpty();
            assertThat(server.shutdown(Duration.ofMinutes(5))).isZero();
        } finally {
            ws.abort();
        }
    }
}
