package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.CloseEvent;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's server example, as written there (but on port 0), and what it promises. */
class ReadmeServerExampleNetworkTest {

    @Test
    void echoChatAndHealthWorkAsTheReadmeSays() throws Exception {
        var members = ConcurrentHashMap.<ServerWebSocket>newKeySet();
        var server = WebSocketServer.builder()
                .port(0)
                .route("/echo", ws -> ws.onmessage(ws::send))
                .route("/chat/{room}", ws -> {
                    ws.onopen(() -> members.add(ws));
                    ws.onmessage(m -> Broadcast.text(m.text()).sendTo(members));
                    ws.onclose(e -> members.remove(ws));
                })
                .http("/health", req -> HttpReply.text(200, "ok\n"))
                .build().start();
        try (server; HttpClient http = HttpClient.newHttpClient()) {
            String base = "127.0.0.1:" + server.port();
            var echoed = new LinkedBlockingQueue<Object>();
            WebSocket echo = new WebSocket("ws://" + base + "/echo", WebSocketOptions.defaults(), s -> {
                s.setOnopen(e -> s.send("hello"));
                s.setOnmessage(e -> echoed.add(e.data()));
            });
            assertThat(echoed.poll(30, TimeUnit.SECONDS)).isEqualTo("hello");

            var alice = new LinkedBlockingQueue<Object>();
            var bob = new LinkedBlockingQueue<Object>();
            WebSocket a = new WebSocket("ws://" + base + "/chat/lobby", WebSocketOptions.defaults(),
                    s -> s.setOnmessage(e -> alice.add(e.data())));
            WebSocket b = new WebSocket("ws://" + base + "/chat/lobby", WebSocketOptions.defaults(),
                    s -> s.setOnmessage(e -> bob.add(e.data())));
            assertThat(a.awaitOpen(Duration.ofSeconds(30))).isTrue();
            assertThat(b.awaitOpen(Duration.ofSeconds(30))).isTrue();
            // both are members once the server has run their onopen: a round trip through the room proves it
            a.send("hi all");
            assertThat(alice.poll(30, TimeUnit.SECONDS)).isEqualTo("hi all");
            assertThat(bob.poll(30, TimeUnit.SECONDS)).isEqualTo("hi all");

            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create("http://" + base + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");

            for (WebSocket ws : new WebSocket[] {echo, a, b}) {
                ws.close(1000, "bye");
                CloseEvent c = ws.awaitClose(Duration.ofSeconds(30));
                assertThat(c.code()).isEqualTo(1000);
                assertThat(c.reason()).isEqualTo("bye"); // the server echoes the code and the reason
            }
        }
    }
}
