package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** web-platform-tests {@code websockets/constructor.any.js} and {@code Create-*.any.js}, against a real server. */
class ConstructorNetworkTest extends ServerTestBase {

    @Test
    void validUrlConnects() throws Exception { // Create-valid-url
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect(server.url("/echo"));
        assertThat(ws.readyState()).isIn(WebSocket.CONNECTING, WebSocket.OPEN);
        assertThat(r.next().type()).isEqualTo("open");
        assertThat(ws.readyState()).isEqualTo(WebSocket.OPEN);
        ws.close();
        awaitClose(ws);
    }

    @Test
    void httpUrlBecomesWs() throws Exception { // Create-http-urls
        WebSocket ws = new WebSocket("http://127.0.0.1:" + server.port() + "/echo");
        assertThat(ws.url()).isEqualTo("ws://127.0.0.1:" + server.port() + "/echo");
        assertThat(ws.awaitOpen(ClientRecorder.TIMEOUT)).isTrue();
        ws.close();
        awaitClose(ws);
    }

    @Test
    void relativeUrlAgainstTheBase() throws Exception { // Create-non-absolute-url
        WebSocket ws = new WebSocket("echo", WebSocketOptions.builder()
                .baseUrl("http://127.0.0.1:" + server.port() + "/index.html").build());
        assertThat(ws.url()).isEqualTo("ws://127.0.0.1:" + server.port() + "/echo");
        assertThat(ws.awaitOpen(ClientRecorder.TIMEOUT)).isTrue();
        ws.close();
        awaitClose(ws);
    }

    @Test
    void protocolIsSetCorrectly() throws Exception { // Create-valid-url-protocol-setCorrectly
        WebSocket ws = open("/protocol", "echo");
        assertThat(ws.protocol()).isEqualTo("echo");
        ws.close();
        awaitClose(ws);
    }

    @Test
    void arrayOfProtocolsSelectsOne() throws Exception { // Create-valid-url-array-protocols
        WebSocket ws = open("/protocol", "echo", "chat");
        assertThat(ws.protocol()).isEqualTo("echo");
        ws.close();
        awaitClose(ws);
    }

    @Test
    void protocolIsEmptyBeforeOpen() {
        WebSocket ws = new WebSocket(server.url("/protocol"), "echo");
        if (ws.readyState() == WebSocket.CONNECTING) {
            assertThat(ws.protocol()).isEmpty();
        }
        ws.close();
    }

    @Test
    void invalidArgumentsThrowSyntaxError() { // Create-invalid-urls, Create-wrong-scheme, Create-protocol-*
        assertDom(() -> new WebSocket("ws://foo bar.com/"), "SyntaxError");
        assertDom(() -> new WebSocket("mailto:nobody@example.com"), "SyntaxError");
        assertDom(() -> new WebSocket(server.url("/echo#")), "SyntaxError");
        assertDom(() -> new WebSocket(server.url("/echo"), "a b"), "SyntaxError");
        assertDom(() -> new WebSocket(server.url("/echo"), ""), "SyntaxError");
        assertDom(() -> new WebSocket(server.url("/echo"), "echo", "ECHO"), "SyntaxError");
        assertDom(() -> new WebSocket(server.url("/echo"), "\u00e9"), "SyntaxError");
    }
}
