package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The README's client example, as written there (the URL aside), runs. */
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
}
