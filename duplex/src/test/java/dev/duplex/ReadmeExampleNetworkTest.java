package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's client examples, as written there (the URL aside), run. */
class ReadmeExampleNetworkTest extends ServerTestBase {

    @Test
    void readmeExample() throws Exception {
        var ws = new WebSocket(server.url("/echo"), WebSocketOptions.defaults(), s -> {
            s.setOnopen(e -> s.send("hello"));
            s.setOnmessage(e -> System.out.println("< " + e.data()));
            s.setOnerror(e -> System.out.println("failed: " + e.cause()));
            s.setOnclose(e -> System.out.println("closed " + e.code() + " " + e.reason()));
        });
        ws.awaitOpen(ClientRecorder.TIMEOUT); // the README waits 5 s; a loaded test machine gets longer
        ws.close(1000, "bye");
        assertThat(ws.awaitClose(ClientRecorder.TIMEOUT).wasClean()).isTrue();
    }

    // The application state the README's reconnecting example refers to.
    private volatile String lastId;
    private final BlockingQueue<Object> shown = new LinkedBlockingQueue<>();

    private void show(Object data) {
        shown.add(data);
    }

    private void status(String line) {
        System.out.println(line);
    }

    @Test
    void readmeReconnectingExample() throws Exception {
        var ws = new ReconnectingWebSocket(server.url("/echo"), WebSocketOptions.defaults(),
                ReconnectOptions.builder()
                        .backoff(Duration.ofMillis(500), Duration.ofSeconds(30))   // the defaults
                        .url(u -> lastId == null ? u : u + "?since=" + lastId)     // asked before each attempt
                        .build(),
                s -> {
                    s.setOnmessage(e -> show(e.data()));
                    s.setOnreconnecting(e -> status("retry " + e.attempt() + " in " + e.delay()));
                    s.setOnclose(e -> { if (s.readyState() == ReadyState.CLOSED) status("gone: " + e.code()); });
                });
        assertThat(ws.send("hello")).isTrue();   // true: sent, or queued until the next connection opens
        assertThat(shown.poll(ClientRecorder.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo("hello");
        ws.close(1000, "bye");
        assertThat(ws.awaitClosed(ClientRecorder.TIMEOUT).wasClean()).isTrue();
    }
}
