package dev.duplex.server;

import dev.duplex.metrics.Limit;
import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.Limits;
import dev.duplex.transport.Leaks;
import dev.duplex.testing.RawClient;
import dev.duplex.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** What a server reports to its {@link WebSocketMetrics}, seen from a real client (the JDK's). */
class ServerMetricsNetworkTest {

    private static final long PATIENCE_SECONDS = 60;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();
    private final Recording metrics = new Recording();

    @AfterEach
    void nothingLeaks() {
        http.close();
        Leaks.assertNone();
    }

    /** Counts in adders; closes, rejections and limits also land in queues a test can wait on. */
    static final class Recording implements WebSocketMetrics {
        final LongAdder opened = new LongAdder();
        final LongAdder received = new LongAdder();
        final LongAdder sent = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();
        final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> rejections = new LinkedBlockingQueue<>();
        final BlockingQueue<Limit> limits = new LinkedBlockingQueue<>();

        @Override public void connectionOpened() { opened.increment(); }
        @Override public void connectionClosed(int code) { closes.add(code); }
        @Override public void handshakeRejected(int status) { rejections.add(status); }
        @Override public void messageReceived() { received.increment(); }
        @Override public void messageSent() { sent.increment(); }
        @Override public void bytesReceived(long bytes) { bytesIn.add(bytes); }
        @Override public void bytesSent(long bytes) { bytesOut.add(bytes); }
        @Override public void limitExceeded(Limit limit) { limits.add(limit); }
    }

    @Test
    void opensMessagesBytesClosesRejectionsAndLimits() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .limits(Limits.DEFAULTS.withMaxMessageSize(1000).withMaxFrameSize(1000))
                .permessageDeflate(false)
                .metrics(metrics)
                .route("/echo", ws -> ws.onmessage(ws::send))
                .build().start()) {
            String url = "ws://127.0.0.1:" + server.port() + "/echo";
            ServerFeaturesNetworkTest.JdkClient client = new ServerFeaturesNetworkTest.JdkClient();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), client)
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            for (int i = 0; i < 3; i++) {
                ws.sendText("hello " + i, true).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
                assertThat(client.texts.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("hello " + i);
            }
            assertThat(metrics.opened.sum()).isEqualTo(1);
            assertThat(metrics.received.sum()).isEqualTo(3);
            assertThat(metrics.sent.sum()).isEqualTo(3);
            // the upgrade request and three masked 7-byte frames in; the 101 and three 9-byte frames out
            assertThat(metrics.bytesIn.sum()).isGreaterThan(3 * (2 + 4 + 7));
            assertThat(metrics.bytesOut.sum()).isGreaterThan(3 * (2 + 7) + "HTTP/1.1 101".length());
            ws.sendClose(1000, "bye").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(metrics.closes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1000);

            ServerFeaturesNetworkTest.JdkClient big = new ServerFeaturesNetworkTest.JdkClient();
            WebSocket bigWs = http.newWebSocketBuilder().buildAsync(URI.create(url), big)
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            bigWs.sendText("x".repeat(1001), true);
            assertThat(big.closed.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).startsWith("1009");
            assertThat(metrics.closes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1009);
            assertThat(metrics.limits.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(Limit.FRAME_SIZE);

            try (RawClient nowhere = new RawClient(server.port())) {
                nowhere.write(("GET /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                assertThat(nowhere.readAll()).startsWith("HTTP/1.1 404");
            }
            assertThat(metrics.rejections.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(404);
            assertThat(metrics.opened.sum()).isEqualTo(2);
            assertThat(metrics.closes).isEmpty();
            assertThat(metrics.limits).isEmpty();
        }
    }

    @Test
    void theClientReportsToItsOwnHook() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .route("/echo", ws -> ws.onmessage(ws::send)).build().start()) {
            BlockingQueue<Object> echoed = new LinkedBlockingQueue<>();
            dev.duplex.WebSocket client = new dev.duplex.WebSocket("ws://127.0.0.1:" + server.port() + "/echo",
                    dev.duplex.WebSocketOptions.builder().metrics(metrics).build(), s -> {
                        s.setOnopen(e -> s.send("one"));
                        s.setOnmessage(e -> {
                            echoed.add(e.data());
                            s.close(4001, "done");
                        });
                    });
            assertThat(echoed.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("one");
            assertThat(client.awaitClose(Duration.ofSeconds(PATIENCE_SECONDS)).code()).isEqualTo(4001);
            assertThat(metrics.closes.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(4001);
            assertThat(metrics.opened.sum()).isEqualTo(1);
            assertThat(metrics.sent.sum()).isEqualTo(1);
            assertThat(metrics.received.sum()).isEqualTo(1);
            assertThat(metrics.bytesOut.sum()).isGreaterThan(2 + 4 + 3);
            assertThat(metrics.bytesIn.sum()).isGreaterThan(2 + 3);
        }
    }

    @Test
    void overTlsTheBytesAreTheEncryptedOnes() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .tls(TestCertificates.get().serverContext()).permessageDeflate(false).metrics(metrics)
                .route("/echo", ws -> ws.onmessage(ws::send)).build().start();
             HttpClient tlsClient = HttpClient.newBuilder().sslContext(TestCertificates.get().clientContext()).build()) {
            ServerFeaturesNetworkTest.JdkClient client = new ServerFeaturesNetworkTest.JdkClient();
            WebSocket ws = tlsClient.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://localhost:" + server.port() + "/echo"), client)
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            ws.sendText("x".repeat(500), true).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(client.texts.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).hasSize(500);
            assertThat(metrics.received.sum()).isEqualTo(1);
            // the TLS handshake (a certificate chain out) and the records' overhead come on top
            assertThat(metrics.bytesOut.sum()).isGreaterThan(1000);
            assertThat(metrics.bytesIn.sum()).isGreaterThan(500 + 8 + 100);
            ws.abort();
        }
    }

    @Test
    void theConnectionCapIsALimit() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .maxConnections(1).metrics(metrics).route("/echo", ws -> ws.onmessage(ws::send)).build().start();
             RawClient first = RawClient.upgraded(server.port(), "/echo");
             RawClient second = new RawClient(server.port())) {
            assertThat(second.awaitEof()).isTrue();
            assertThat(metrics.limits.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(Limit.CONNECTIONS);
        }
    }
}
