package dev.duplex.app.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import dev.duplex.app.ChatServer;
import dev.duplex.app.ChatSettings;
import dev.duplex.app.EchoServer;
import dev.duplex.app.RunningServer;
import dev.duplex.app.ServerSettings;
import dev.duplex.redis.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code /metrics} as served, and as a real Prometheus server scrapes and stores it: the names the
 * issue's checks rely on, with the values one client's traffic must give them.
 */
class MetricsEndpointNetworkTest {

    private static final int PATIENCE_SECONDS = 60;

    private final HttpClient http = HttpClient.newHttpClient();
    private RunningServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        http.close();
    }

    /** A JDK client that queues the texts it receives and records the close it gets. */
    static final class Client implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            texts.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code);
            return null;
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void echoTrafficAsServedAndAsPrometheusStoresIt() throws Exception {
        server = EchoServer.start(ServerSettings.loopback(0, EchoServer.DEFAULT_MAX_MESSAGE));
        // echo answers on paths of up to 8 segments: a deeper one is refused with 404
        Throwable refused = catchThrowable(() -> http.newWebSocketBuilder()
                .buildAsync(URI.create(server.wsUrl("/1/2/3/4/5/6/7/8/9")), new Client())
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertThat(refused).isInstanceOf(ExecutionException.class).cause().isInstanceOf(WebSocketHandshakeException.class);

        Client client = new Client();
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl("/echo")), client)
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            ws.sendText("ping " + i, true).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(client.texts.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo("ping " + i);
        }
        ws.sendClose(1000, "done").get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        assertThat(client.closed.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1000);

        HttpResponse<String> metrics = get("metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue(Monitoring.CONTENT_TYPE);
        assertThat(metrics.body()).contains("duplex_connections_open ", "duplex_connections_opened_total ",
                "duplex_messages_received_total ", "duplex_messages_sent_total ", "duplex_bytes_received_total ",
                "duplex_bytes_sent_total ", "duplex_closes_total{code=\"1000\"} ",
                "duplex_handshakes_rejected_total{status=\"404\"} ", "duplex_write_queue_bytes ",
                "duplex_slow_consumers_closed_total ", "jvm_memory_used_bytes{", "jvm_threads_live_threads ",
                "process_files_open_files ");

        try (PrometheusServer prometheus = PrometheusServer.scraping("127.0.0.1:" + server.port())) {
            prometheus.await("duplex_messages_received_total", r -> PrometheusServer.value(r) == 3, PATIENCE_SECONDS);
            assertThat(value(prometheus, "up{job=\"duplex\"}")).isEqualTo(1);
            assertThat(value(prometheus, "duplex_messages_sent_total")).isEqualTo(3);
            assertThat(value(prometheus, "duplex_connections_opened_total")).isEqualTo(1);
            assertThat(value(prometheus, "duplex_connections_open")).isZero();
            assertThat(value(prometheus, "duplex_closes_total{code=\"1000\"}")).isEqualTo(1);
            assertThat(value(prometheus, "duplex_handshakes_rejected_total{status=\"404\"}")).isEqualTo(1);
            // three masked 6-byte frames and a close in, after the upgrade request; their echoes out after the 101
            assertThat(value(prometheus, "duplex_bytes_received_total")).isGreaterThan(3 * (2 + 4 + 6));
            assertThat(value(prometheus, "duplex_bytes_sent_total")).isGreaterThan(3 * (2 + 6));
            assertThat(prometheus.query("jvm_memory_used_bytes")).isNotEmpty();
        }
    }

    private static double value(PrometheusServer prometheus, String promql) throws Exception {
        return PrometheusServer.value(prometheus.query(promql));
    }

    @Test
    void chatAddsRoomsAndTheBrokerState() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            server = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE), ChatSettings.DEFAULTS,
                    redis.uri());
            Client member = new Client();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl("/chat/lobby")), member)
                    .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(member.texts.poll(PATIENCE_SECONDS, TimeUnit.SECONDS)).contains("\"welcome\"");
            String body = get("metrics").body();
            assertThat(body).containsPattern("(?m)^duplex_chat_rooms 1(\\.0)?$")
                    .containsPattern("(?m)^duplex_chat_broker_connected 1(\\.0)?$")
                    .containsPattern("(?m)^duplex_connections_open 1(\\.0)?$")
                    .contains("duplex_chat_broker_channels ");
            ws.abort();
            server.close();
            server = null;
        }
    }
}
