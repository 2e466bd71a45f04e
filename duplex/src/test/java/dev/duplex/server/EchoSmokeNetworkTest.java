package dev.duplex.server;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EchoSmokeNetworkTest {

    @Test
    void jdkClientEchoes() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .route("/echo", ws -> ws.onmessage(ws::send)).build().start()) {
            CompletableFuture<String> got = new CompletableFuture<>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/echo"), new WebSocket.Listener() {
                        StringBuilder sb = new StringBuilder();
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            sb.append(data);
                            if (last) got.complete(sb.toString());
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("hello", true);
            assertThat(got.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
            ws.sendClose(1000, "bye").get(10, TimeUnit.SECONDS);
        }
    }
}
