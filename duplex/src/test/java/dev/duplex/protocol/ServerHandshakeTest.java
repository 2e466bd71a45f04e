package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerHandshakeTest {

    /** RFC 6455 1.3 / 4.2.2: the sample nonce and its accept value, as printed in the RFC. */
    private static final String SAMPLE_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String SAMPLE_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private static Headers.Builder validHeaders() {
        return Headers.builder()
                .add("Host", "server.example.com")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", SAMPLE_KEY)
                .add("Origin", "http://example.com")
                .add("Sec-WebSocket-Version", "13");
    }

    private static HttpRequest request(Headers.Builder headers) {
        return HttpRequest.get("/chat", headers.build());
    }

    private static ServerHandshake validate(HttpRequest r) throws HandshakeException {
        return ServerHandshake.validate(r, PerMessageDeflate.Options.DEFAULT);
    }

    private static HandshakeException failure(HttpRequest r) {
        try {
            validate(r);
        } catch (HandshakeException e) {
            return e;
        }
        throw new AssertionError("handshake unexpectedly valid: " + r);
    }

    @Test
    void acceptHashOfTheRfcSample() {
        assertThat(ServerHandshake.acceptKey(SAMPLE_KEY)).isEqualTo(SAMPLE_ACCEPT);
    }

    @Test
    void acceptsTheRfcSampleRequest() throws Exception {
        ServerHandshake hs = validate(request(validHeaders()));
        ServerHandshake.Accepted ok = hs.accept();
        assertThat(ok.subprotocol()).isEmpty();
        assertThat(ok.extensions()).isEmpty();
        assertThat(ok.deflate()).isNull();
        assertThat(new String(ok.response().toBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("""
                HTTP/1.1 101 Switching Protocols\r
                Upgrade: websocket\r
                Connection: Upgrade\r
                Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
                \r
                """);
    }

    @Test
    void tokensAreCaseInsensitiveAndMayBeListed() throws Exception {
        HttpRequest r = request(validHeaders()
                .set("Upgrade", "WebSocket")
                .set("Connection", "keep-alive, UPGRADE"));
        assertThat(validate(r).key()).isEqualTo(SAMPLE_KEY);
        // Firefox sends "Connection: keep-alive, Upgrade"; some proxies split it over two fields.
        r = request(validHeaders().set("Connection", "keep-alive").add("Connection", "upgrade"));
        assertThat(validate(r)).isNotNull();
    }

    @Test
    void isUpgradeRequestRoutesPlainHttp() {
        assertThat(ServerHandshake.isUpgradeRequest(request(validHeaders()))).isTrue();
        assertThat(ServerHandshake.isUpgradeRequest(request(validHeaders().set("Upgrade", "WEBSOCKET")))).isTrue();
        assertThat(ServerHandshake.isUpgradeRequest(HttpRequest.get("/", Headers.of("Host", "x")))).isFalse();
        assertThat(ServerHandshake.isUpgradeRequest(
                new HttpRequest("POST", "/", "HTTP/1.1", validHeaders().build()))).isFalse();
        assertThat(ServerHandshake.isUpgradeRequest(request(validHeaders().set("Upgrade", "h2c")))).isFalse();
    }

    // --- each rule of RFC 6455 4.2.1 and its status -----------------------------------------

    @Test
    void notGetIs405WithAllow() {
        HandshakeException e = failure(new HttpRequest("POST", "/chat", "HTTP/1.1", validHeaders().build()));
        assertThat(e.status()).isEqualTo(405);
        assertThat(e.headers().first("Allow")).isEqualTo("GET");
        assertThat(e.toResponse().toBytes()).isNotEmpty();
    }

    @Test
    void httpOneZeroIs400() {
        assertThat(failure(new HttpRequest("GET", "/chat", "HTTP/1.0", validHeaders().build())).status())
                .isEqualTo(400);
    }

    @Test
    void missingHostIs400() {
        assertThat(failure(request(validHeaders().remove("Host"))).status()).isEqualTo(400);
    }

    @Test
    void repeatedOrEmptyHostIs400() {
        assertThat(failure(request(validHeaders().add("Host", "other"))).status()).isEqualTo(400);
        assertThat(failure(request(validHeaders().set("Host", ""))).status()).isEqualTo(400);
    }

    @Test
    void missingUpgradeIs426WithUpgradeWebsocket() {
        HandshakeException e = failure(request(validHeaders().remove("Upgrade")));
        assertThat(e.status()).isEqualTo(426);
        assertThat(e.headers().first("Upgrade")).isEqualTo("websocket");
        assertThat(e.toResponse().headers().containsToken("Connection", "upgrade")).isTrue();
        assertThat(e.toResponse().headers().containsToken("Connection", "close")).isTrue();
    }

    @Test
    void wrongUpgradeIs426() {
        assertThat(failure(request(validHeaders().set("Upgrade", "h2c"))).status()).isEqualTo(426);
        assertThat(failure(request(validHeaders().set("Upgrade", "websocket2"))).status()).isEqualTo(426);
    }

    @Test
    void connectionWithoutUpgradeIs400() {
        assertThat(failure(request(validHeaders().remove("Connection"))).status()).isEqualTo(400);
        assertThat(failure(request(validHeaders().set("Connection", "keep-alive"))).status()).isEqualTo(400);
        assertThat(failure(request(validHeaders().set("Connection", "upgrades"))).status()).isEqualTo(400);
    }

    @Test
    void missingKeyIs400() {
        assertThat(failure(request(validHeaders().remove("Sec-WebSocket-Key"))).status()).isEqualTo(400);
    }

    @Test
    void keyThatIsNotSixteenBase64BytesIs400() {
        for (String key : List.of("", "abc", "dGhlIHNhbXBsZSBub25jZQ", "dGhlIHNhbXBsZSBub25jZQ===",
                "dGhlIHNhbXBsZSBub25jZQ=", "dGhlIHNhbXBsZSBub25jZSE=" /* 17 bytes */,
                "dGhlIHNhbXBsZSBub25j" /* 15 bytes */, "dGhlIHNhbXBsZSBub25jZ!==", "AAAAAAAAAAAAAAAAAAAAAA==x")) {
            assertThat(failure(request(validHeaders().set("Sec-WebSocket-Key", key))).status())
                    .as("key %s", key).isEqualTo(400);
        }
    }

    @Test
    void repeatedKeyIs400() {
        assertThat(failure(request(validHeaders().add("Sec-WebSocket-Key", SAMPLE_KEY))).status()).isEqualTo(400);
    }

    @Test
    void missingVersionIs426WithVersion13() {
        HandshakeException e = failure(request(validHeaders().remove("Sec-WebSocket-Version")));
        assertThat(e.status()).isEqualTo(426);
        assertThat(e.headers().first("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(e.toResponse().headers().first("Sec-WebSocket-Version")).isEqualTo("13");
    }

    @Test
    void otherVersionsAre426WithVersion13() {
        for (String v : List.of("8", "12", "14", "13, 8", "013", "")) {
            HandshakeException e = failure(request(validHeaders().set("Sec-WebSocket-Version", v)));
            assertThat(e.status()).as("version %s", v).isEqualTo(426);
            assertThat(e.headers().first("Sec-WebSocket-Version")).isEqualTo("13");
        }
        HandshakeException e = failure(request(validHeaders().add("Sec-WebSocket-Version", "13")));
        assertThat(e.status()).isEqualTo(426);
    }

    @Test
    void malformedSubprotocolListIs400() {
        assertThat(failure(request(validHeaders().add("Sec-WebSocket-Protocol", "chat, a b"))).status())
                .isEqualTo(400);
    }

    @Test
    void malformedExtensionListIs400() {
        assertThat(failure(request(validHeaders().add("Sec-WebSocket-Extensions", "permessage-deflate; =1")))
                .status()).isEqualTo(400);
        assertThat(failure(request(validHeaders().add("Sec-WebSocket-Extensions", "a; b=\"unterminated")))
                .status()).isEqualTo(400);
    }

    // --- subprotocols -------------------------------------------------------------------------

    @Test
    void offeredSubprotocolsInOrderAcrossFields() throws Exception {
        ServerHandshake hs = validate(request(validHeaders()
                .add("Sec-WebSocket-Protocol", "v2.chat, v1.chat")
                .add("Sec-WebSocket-Protocol", "superchat")));
        assertThat(hs.offeredSubprotocols()).containsExactly("v2.chat", "v1.chat", "superchat");
        assertThat(hs.selectSubprotocol(List.of("v1.chat", "v2.chat"))).isEqualTo("v1.chat");
        assertThat(hs.selectSubprotocol(List.of("mqtt"))).isEmpty();
        ServerHandshake.Accepted ok = hs.accept("v1.chat", Headers.EMPTY);
        assertThat(ok.subprotocol()).isEqualTo("v1.chat");
        assertThat(ok.response().header("Sec-WebSocket-Protocol")).isEqualTo("v1.chat");
    }

    @Test
    void acceptingWithoutSubprotocolSendsNoHeader() throws Exception {
        ServerHandshake hs = validate(request(validHeaders().add("Sec-WebSocket-Protocol", "chat")));
        assertThat(hs.accept().response().headers().contains("Sec-WebSocket-Protocol")).isFalse();
    }

    @Test
    void selectingAnUnofferedSubprotocolIsACallerError() throws Exception {
        ServerHandshake hs = validate(request(validHeaders().add("Sec-WebSocket-Protocol", "chat")));
        assertThatThrownBy(() -> hs.accept("Chat", Headers.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> hs.accept("mqtt", Headers.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        ServerHandshake none = validate(request(validHeaders()));
        assertThatThrownBy(() -> none.accept("chat", Headers.EMPTY)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- extra headers, rejection ------------------------------------------------------------

    @Test
    void extraHeadersAreAppended() throws Exception {
        ServerHandshake.Accepted ok = validate(request(validHeaders()))
                .accept("", Headers.of("Set-Cookie", "sid=1", "X-Server", "duplex"));
        assertThat(ok.response().header("Set-Cookie")).isEqualTo("sid=1");
        assertThat(ok.response().headers().fields().get(3).name()).isEqualTo("Set-Cookie");
    }

    @Test
    void extraHeadersMayNotOverrideTheHandshake() throws Exception {
        ServerHandshake hs = validate(request(validHeaders()));
        for (String name : List.of("Upgrade", "connection", "Sec-WebSocket-Accept", "Sec-WebSocket-Protocol",
                "SEC-WEBSOCKET-EXTENSIONS", "Content-Length", "Transfer-Encoding")) {
            assertThatThrownBy(() -> hs.accept("", Headers.of(name, "x")))
                    .as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void rejectBuildsAPlainTextResponse() {
        HttpResponse r = ServerHandshake.reject(403, "Go away");
        assertThat(new String(r.toBytes(), StandardCharsets.UTF_8)).isEqualTo("""
                HTTP/1.1 403 Forbidden\r
                Content-Type: text/plain; charset=utf-8\r
                Connection: close\r
                Content-Length: 7\r
                \r
                Go away""");
        assertThatThrownBy(() -> ServerHandshake.reject(200, "ok")).isInstanceOf(IllegalArgumentException.class);
        assertThat(ServerHandshake.reject(599, "").toBytes()).isNotEmpty();
    }

    @Test
    void utf8BodyLengthIsCountedInBytes() {
        HttpResponse r = ServerHandshake.reject(400, "h\u00e9");
        assertThat(r.body()).hasSize(3);
        assertThat(new String(r.toBytes(), StandardCharsets.ISO_8859_1)).contains("Content-Length: 3\r\n");
    }

    // --- permessage-deflate through the handshake ---------------------------------------------

    @Test
    void negotiatesPermessageDeflate() throws Exception {
        ServerHandshake hs = validate(request(validHeaders()
                .add("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")));
        assertThat(hs.deflate()).isEqualTo(DeflateParameters.DEFAULT);
        ServerHandshake.Accepted ok = hs.accept();
        assertThat(ok.extensions()).isEqualTo("permessage-deflate");
        assertThat(ok.response().header("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate");
        assertThat(ok.deflate()).isEqualTo(DeflateParameters.DEFAULT);
    }

    @Test
    void deflateDisabledByOptions() throws Exception {
        ServerHandshake hs = ServerHandshake.validate(request(validHeaders()
                .add("Sec-WebSocket-Extensions", "permessage-deflate")), PerMessageDeflate.Options.DISABLED);
        assertThat(hs.deflate()).isNull();
        assertThat(hs.accept().response().headers().contains("Sec-WebSocket-Extensions")).isFalse();
    }

    @Test
    void unknownExtensionsAreIgnored() throws Exception {
        ServerHandshake hs = validate(request(validHeaders().add("Sec-WebSocket-Extensions", "x-webkit-deflate-frame")));
        assertThat(hs.deflate()).isNull();
        assertThat(hs.accept().extensions()).isEmpty();
    }

    @Test
    void clientAndServerAgreeEndToEnd() throws Exception {
        ClientHandshake client = ClientHandshake.create(java.net.URI.create("ws://example.com:8080/chat?x=1"),
                List.of("chat", "superchat"), true, Headers.EMPTY, MaskSource.fixed(0x01020304));
        HttpRequest parsed = HttpHeadParser.requests(Limits.DEFAULTS)
                .parse(java.nio.ByteBuffer.wrap(client.toBytes()));
        assertThat(ServerHandshake.isUpgradeRequest(parsed)).isTrue();
        ServerHandshake hs = validate(parsed);
        ServerHandshake.Accepted ok = hs.accept(hs.selectSubprotocol(List.of("superchat")), Headers.EMPTY);
        HttpResponse reply = HttpHeadParser.responses(Limits.DEFAULTS)
                .parse(java.nio.ByteBuffer.wrap(ok.response().toBytes()));
        ClientHandshake.Result result = client.verify(reply);
        assertThat(result.subprotocol()).isEqualTo("superchat");
        assertThat(result.extensions()).isEqualTo("permessage-deflate");
        assertThat(result.deflate()).isEqualTo(ok.deflate());
    }

    @Test
    void keyCheckAgreesWithBase64DecodingToSixteenBytes() {
        // isValidKey checks the characters itself; it must accept exactly what decodes to 16 bytes.
        for (int pos = 0; pos < 24; pos++) {
            for (char c = 0; c < 300; c++) {
                String key = SAMPLE_KEY.substring(0, pos) + c + SAMPLE_KEY.substring(pos + 1);
                boolean decodes;
                try {
                    decodes = java.util.Base64.getDecoder().decode(key).length == 16;
                } catch (IllegalArgumentException e) {
                    decodes = false;
                }
                assertThat(ServerHandshake.isValidKey(key)).as("%s", key).isEqualTo(decodes);
            }
        }
        assertThat(ServerHandshake.isValidKey(SAMPLE_KEY + "=")).isFalse();
        assertThat(ServerHandshake.isValidKey("AAAAAAAAAAAAAAAAAAAAAAA=")).isFalse();   // 17 bytes
        assertThat(ServerHandshake.isValidKey("AAAAAAAAAAAAAAAAAAAAAAAA")).isFalse();   // 18 bytes
    }

    @Test
    void acceptKeyIsTheSameFromEveryThread() throws Exception {
        // The digest is a clone of a shared prototype: concurrent handshakes must not share its state.
        String[] keys = new String[8];
        String[] expected = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            byte[] nonce = new byte[16];
            nonce[0] = (byte) i;
            keys[i] = java.util.Base64.getEncoder().encodeToString(nonce);
            byte[] d = java.security.MessageDigest.getInstance("SHA-1")
                    .digest((keys[i] + ServerHandshake.GUID).getBytes(StandardCharsets.US_ASCII));
            expected[i] = java.util.Base64.getEncoder().encodeToString(d);
        }
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic.AtomicInteger();
        for (int t = 0; t < keys.length; t++) {
            int k = t;
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    if (!ServerHandshake.acceptKey(keys[k]).equals(expected[k])) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(wrong.get()).isZero();
    }
}
