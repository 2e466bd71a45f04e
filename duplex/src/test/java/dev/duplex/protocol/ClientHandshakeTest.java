package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientHandshakeTest {

    /** Bytes 0x01..0x10 from a counting source, so the key is fixed: AQIDBAUGBwgJCgsMDQ4PEA==. */
    private static MaskSource counting() {
        int[] next = {0x01020304};
        return () -> {
            int m = next[0];
            next[0] += 0x04040404;
            return m;
        };
    }

    private static final String KEY = "AQIDBAUGBwgJCgsMDQ4PEA==";

    private static ClientHandshake handshake(List<String> protocols, boolean deflate) {
        return ClientHandshake.create(URI.create("ws://example.com/chat"), protocols, deflate, Headers.EMPTY, counting());
    }

    /** The server's correct reply to {@code hs}, plus {@code extra}. */
    private static Headers.Builder reply(ClientHandshake hs) {
        return Headers.builder()
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Accept", ServerHandshake.acceptKey(hs.key()));
    }

    private static HttpResponse response(Headers.Builder h) {
        return new HttpResponse(101, h.build());
    }

    private static String failure(ClientHandshake hs, HttpResponse r) {
        try {
            hs.verify(r);
        } catch (HandshakeException e) {
            assertThat(e.status()).isEqualTo(HandshakeException.CLIENT_FAILURE);
            return e.getMessage();
        }
        throw new AssertionError("response unexpectedly accepted");
    }

    // --- the request ------------------------------------------------------------------------

    @Test
    void buildsTheRequestWithAKeyFromTheInjectedSource() {
        ClientHandshake hs = ClientHandshake.create(URI.create("ws://example.com/chat?room=1#frag"),
                List.of("chat", "superchat"), true, Headers.of("Origin", "http://example.com"), counting());
        assertThat(hs.key()).isEqualTo(KEY);
        assertThat(new String(hs.toBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("""
                GET /chat?room=1 HTTP/1.1\r
                Host: example.com\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r
                Sec-WebSocket-Version: 13\r
                Sec-WebSocket-Protocol: chat, superchat\r
                Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r
                Origin: http://example.com\r
                \r
                """);
    }

    @Test
    void keyDecodesToSixteenBytesAndIsValidForTheServer() {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(ServerHandshake.isValidKey(hs.key())).isTrue();
    }

    @Test
    void hostCarriesOnlyANonDefaultPort() {
        assertThat(host("ws://example.com:80/")).isEqualTo("example.com");
        assertThat(host("ws://example.com:443/")).isEqualTo("example.com:443");
        assertThat(host("wss://example.com:443/")).isEqualTo("example.com");
        assertThat(host("wss://example.com:80/")).isEqualTo("example.com:80");
        assertThat(host("ws://127.0.0.1:8080/")).isEqualTo("127.0.0.1:8080");
        assertThat(host("ws://[::1]:9000/")).isEqualTo("[::1]:9000");
        assertThat(host("https://example.com/")).isEqualTo("example.com");
    }

    private static String host(String uri) {
        return ClientHandshake.create(URI.create(uri), List.of(), false, Headers.EMPTY, counting())
                .request().header("Host");
    }

    @Test
    void targetIsPathAndQuery() {
        assertThat(target("ws://example.com")).isEqualTo("/");
        assertThat(target("ws://example.com?a=b")).isEqualTo("/?a=b");
        assertThat(target("ws://example.com/a%20b/c?x=%41&y")).isEqualTo("/a%20b/c?x=%41&y");
    }

    private static String target(String uri) {
        return ClientHandshake.create(URI.create(uri), List.of(), false, Headers.EMPTY, counting())
                .request().target();
    }

    @Test
    void noOptionalHeadersWhenNothingIsOffered() {
        HttpRequest r = handshake(List.of(), false).request();
        assertThat(r.headers().contains("Sec-WebSocket-Protocol")).isFalse();
        assertThat(r.headers().contains("Sec-WebSocket-Extensions")).isFalse();
    }

    @Test
    void callerMistakesThrow() {
        assertThatThrownBy(() -> ClientHandshake.create(URI.create("ftp://example.com/"), List.of(), false,
                Headers.EMPTY, counting())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws:/nohost"), List.of(), false,
                Headers.EMPTY, counting())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> handshake(List.of("a b"), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> handshake(List.of(""), false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> handshake(List.of("chat", "chat"), false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void customHeadersMayNotOverrideTheHandshake() {
        for (String name : List.of("Host", "upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "sec-websocket-protocol", "Sec-WebSocket-Extensions", "Content-Length", "Transfer-Encoding")) {
            assertThatThrownBy(() -> ClientHandshake.create(URI.create("ws://example.com/"), List.of(), false,
                    Headers.of(name, "x"), counting())).as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void customHeaderValuesCannotSmuggleLines() {
        assertThatThrownBy(() -> Headers.of("X-Evil", "a\r\nHost: b")).isInstanceOf(IllegalArgumentException.class);
    }

    // --- the response ----------------------------------------------------------------------

    @Test
    void acceptsAValidResponse() throws Exception {
        ClientHandshake hs = handshake(List.of(), false);
        ClientHandshake.Result r = hs.verify(response(reply(hs)));
        assertThat(r).isEqualTo(new ClientHandshake.Result("", "", null));
    }

    @Test
    void tokensInTheResponseAreCaseInsensitive() throws Exception {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(hs.verify(response(reply(hs).set("Upgrade", "WebSocket").set("Connection", "upgrade"))))
                .isNotNull();
    }

    @Test
    void statusOtherThan101Fails() {
        ClientHandshake hs = handshake(List.of(), false);
        for (int status : new int[] {100, 200, 301, 400, 403, 426, 500}) {
            assertThat(failure(hs, new HttpResponse(status, reply(hs).build())))
                    .isEqualTo("Unexpected response code: " + status);
        }
    }

    @Test
    void missingOrWrongUpgradeFails() {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(failure(hs, response(reply(hs).remove("Upgrade")))).contains("Upgrade");
        assertThat(failure(hs, response(reply(hs).set("Upgrade", "h2c")))).contains("Upgrade");
    }

    @Test
    void missingOrWrongConnectionFails() {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(failure(hs, response(reply(hs).remove("Connection")))).contains("Connection");
        assertThat(failure(hs, response(reply(hs).set("Connection", "keep-alive")))).contains("Connection");
    }

    @Test
    void missingWrongOrRepeatedAcceptFails() {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(failure(hs, response(reply(hs).remove("Sec-WebSocket-Accept")))).contains("Missing");
        assertThat(failure(hs, response(reply(hs).set("Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))))
                .contains("Incorrect");
        // The accept hash of our key, but in lower case: base64 is case-sensitive.
        String lower = ServerHandshake.acceptKey(hs.key()).toLowerCase();
        assertThat(failure(hs, response(reply(hs).set("Sec-WebSocket-Accept", lower)))).contains("Incorrect");
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Accept", ServerHandshake.acceptKey(hs.key())))))
                .contains("Repeated");
    }

    // --- subprotocols ----------------------------------------------------------------------

    @Test
    void selectedSubprotocolIsReported() throws Exception {
        ClientHandshake hs = handshake(List.of("chat", "superchat"), false);
        assertThat(hs.verify(response(reply(hs).add("Sec-WebSocket-Protocol", "superchat"))).subprotocol())
                .isEqualTo("superchat");
    }

    @Test
    void noSubprotocolInTheReplyWhenSomeWereRequestedFails() {
        ClientHandshake hs = handshake(List.of("chat"), false);
        assertThat(failure(hs, response(reply(hs)))).contains("no response was received");
    }

    @Test
    void subprotocolNotOfferedFails() {
        ClientHandshake hs = handshake(List.of("chat"), false);
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Protocol", "mqtt")))).contains("not offered");
        // Exact match: subprotocol names are case-sensitive (RFC 6455 11.3.4).
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Protocol", "Chat")))).contains("not offered");
    }

    @Test
    void subprotocolWhenNoneWereOfferedFails() {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Protocol", "chat")))).contains("not offered");
    }

    @Test
    void severalOrEmptySubprotocolsFail() {
        ClientHandshake hs = handshake(List.of("a", "b"), false);
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Protocol", "a, b")))).contains("more than one");
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Protocol", "a")
                .add("Sec-WebSocket-Protocol", "b")))).contains("more than one");
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Protocol", "")))).contains("Empty");
    }

    // --- extensions ------------------------------------------------------------------------

    @Test
    void extensionWhenNoneWereOfferedFails() {
        ClientHandshake hs = handshake(List.of(), false);
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Extensions", "permessage-deflate"))))
                .contains("not offered");
    }

    @Test
    void unofferedExtensionFails() {
        ClientHandshake hs = handshake(List.of(), true);
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Extensions", "x-webkit-deflate-frame"))))
                .contains("not offered");
    }

    @Test
    void malformedExtensionHeaderFails() {
        ClientHandshake hs = handshake(List.of(), true);
        assertThat(failure(hs, response(reply(hs).add("Sec-WebSocket-Extensions", "permessage-deflate;"))))
                .contains("Sec-WebSocket-Extensions");
    }

    @Test
    void deflateAcceptedByTheServer() throws Exception {
        ClientHandshake hs = handshake(List.of(), true);
        ClientHandshake.Result r = hs.verify(response(reply(hs).add("Sec-WebSocket-Extensions",
                "permessage-deflate; server_no_context_takeover; client_max_window_bits=15")));
        assertThat(r.extensions()).isEqualTo("permessage-deflate; server_no_context_takeover; client_max_window_bits=15");
        assertThat(r.deflate()).isEqualTo(new DeflateParameters(true, false, 15, 15));
    }

    @Test
    void deflateDeclinedByTheServer() throws Exception {
        ClientHandshake hs = handshake(List.of(), true);
        ClientHandshake.Result r = hs.verify(response(reply(hs)));
        assertThat(r.extensions()).isEmpty();
        assertThat(r.deflate()).isNull();
    }

    @Test
    void serverDemandingASmallerClientWindowIsHonoured() throws Exception {
        ClientHandshake hs = handshake(List.of(), true);
        ClientHandshake.Result r = hs.verify(response(reply(hs).add("Sec-WebSocket-Extensions",
                "permessage-deflate; client_max_window_bits=10")));
        assertThat(r.deflate()).isEqualTo(new DeflateParameters(false, false, 15, 10));
    }
}
