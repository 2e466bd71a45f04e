package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadParserTest {

    private static final String REQUEST = """
            GET /chat?room=1 HTTP/1.1\r
            Host: server.example.com\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r
            Sec-WebSocket-Version: 13\r
            \r
            """;

    private static final String RESPONSE = """
            HTTP/1.1 101 Switching Protocols\r
            Upgrade: websocket\r
            Connection: Upgrade\r
            Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r
            \r
            """;

    /** Bytes after the head: an unmasked text frame "Hi" (81 02 48 69). */
    private static final byte[] FRAME = {(byte) 0x81, 0x02, 0x48, 0x69};

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static HttpRequest parseRequest(String head) throws HandshakeException {
        return parseRequest(head, Limits.DEFAULTS);
    }

    private static HttpRequest parseRequest(String head, Limits limits) throws HandshakeException {
        return HttpHeadParser.requests(limits).parse(ByteBuffer.wrap(bytes(head)));
    }

    private static void assertRequest(HttpRequest r) {
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/chat?room=1");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.headers().size()).isEqualTo(5);
        assertThat(r.header("host")).isEqualTo("server.example.com");
        assertThat(r.header("SEC-WEBSOCKET-KEY")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ==");
    }

    @Test
    void aHeadThatArrivesWholeIsReadInTheScratchAndKeepsNothingOfIt() throws Exception {
        byte[] scratch = new byte[4096];
        HttpHeadParser<HttpRequest> a = HttpHeadParser.requests(Limits.DEFAULTS, scratch);
        HttpHeadParser<HttpRequest> b = HttpHeadParser.requests(Limits.DEFAULTS, scratch);
        ByteBuffer in = ByteBuffer.wrap(concat(bytes(REQUEST), FRAME));
        HttpRequest first = a.parse(in);
        assertThat(in.remaining()).isEqualTo(FRAME.length);
        java.util.Arrays.fill(scratch, (byte) 'x'); // the next parser's bytes: the first head owns its strings
        assertRequest(first);
        assertRequest(b.parse(ByteBuffer.wrap(bytes(REQUEST))));
    }

    @Test
    void aHeadSplitAcrossCallsKeepsItsBytesWhileOthersUseTheScratch() throws Exception {
        byte[] scratch = new byte[4096];
        HttpHeadParser<HttpRequest> a = HttpHeadParser.requests(Limits.DEFAULTS, scratch);
        HttpHeadParser<HttpRequest> b = HttpHeadParser.requests(Limits.DEFAULTS, scratch);
        byte[] head = bytes(REQUEST);
        for (int cut = 1; cut < head.length; cut += 17) {
            a.reset();
            assertThat(a.parse(ByteBuffer.wrap(head, 0, cut))).isNull();
            assertRequest(b.parse(ByteBuffer.wrap(head))); // overwrites the scratch
            b.reset();
            java.util.Arrays.fill(scratch, (byte) 'x');
            assertRequest(a.parse(ByteBuffer.wrap(head, cut, head.length - cut)));
        }
    }

    @Test
    void aHeadLargerThanTheScratchGrowsIntoItsOwnArray() throws Exception {
        String big = REQUEST.replace("Host:", "X-Pad: " + "p".repeat(900) + "\r\nHost:");
        HttpRequest r = HttpHeadParser.requests(Limits.DEFAULTS, new byte[256]).parse(ByteBuffer.wrap(bytes(big)));
        assertThat(r.header("X-Pad")).hasSize(900);
        assertThat(r.header("Host")).isEqualTo("server.example.com");
    }

    @Test
    void theHeadLimitHoldsWhenTheScratchIsLarger() throws Exception {
        Limits limits = Limits.DEFAULTS.withMaxHandshakeBytes(200);
        ByteBuffer in = ByteBuffer.wrap(concat(bytes(requestOfLength(200)), FRAME));
        assertThat(HttpHeadParser.requests(limits, new byte[4096]).parse(in)).isNotNull();
        assertThat(in.remaining()).isEqualTo(FRAME.length);
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(limits, new byte[4096]);
        assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(bytes(requestOfLength(201)))))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.status()).isEqualTo(431));
        assertThat(parser.bytesConsumed()).isEqualTo(200);
        assertThatThrownBy(() -> HttpHeadParser.requests(Limits.DEFAULTS, new byte[255]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesARequestAndLeavesTheFollowingBytes() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(bytes(REQUEST), FRAME));
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(Limits.DEFAULTS);
        HttpRequest r = parser.parse(in);
        assertRequest(r);
        assertThat(in.remaining()).isEqualTo(FRAME.length);
        assertThat(in.get()).isEqualTo((byte) 0x81);
        assertThat(parser.bytesConsumed()).isEqualTo(REQUEST.length());
    }

    @Test
    void aKeptAliveParserReadsALargerSecondHeadInPieces() throws Exception {
        // The parser's buffer is sized by the first bytes; a later, larger head grows it after reset().
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(Limits.DEFAULTS);
        assertThat(parser.parse(ByteBuffer.wrap(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")))).isNotNull();
        parser.reset();
        String big = "GET /" + "p".repeat(300) + " HTTP/1.1\r\nHost: b\r\nX-Long: " + "v".repeat(5000) + "\r\n\r\n";
        byte[] all = concat(bytes(big), FRAME);
        HttpRequest r = null;
        ByteBuffer last = null;
        for (int at = 0; r == null; at += 97) {
            last = ByteBuffer.wrap(all, at, Math.min(97, all.length - at));
            r = parser.parse(last);
        }
        assertThat(r.target()).isEqualTo("/" + "p".repeat(300));
        assertThat(r.header("x-long")).isEqualTo("v".repeat(5000));
        assertThat(r.headers().size()).isEqualTo(2);
        assertThat(parser.bytesConsumed()).isEqualTo(big.length());
        assertThat(last.position()).isEqualTo(big.length());   // the frame's bytes stay for the caller
    }

    @Test
    void splitAtEveryPoint() throws Exception {
        byte[] all = concat(bytes(REQUEST), FRAME);
        for (int split = 0; split <= all.length; split++) {
            HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(Limits.DEFAULTS);
            ByteBuffer first = ByteBuffer.wrap(all, 0, split);
            HttpRequest r = parser.parse(first);
            if (split < REQUEST.length()) {
                assertThat(r).as("split %d", split).isNull();
                assertThat(first.hasRemaining()).isFalse();
                ByteBuffer rest = ByteBuffer.wrap(all, split, all.length - split);
                r = parser.parse(rest);
                assertThat(rest.remaining()).as("split %d", split).isEqualTo(FRAME.length);
            } else {
                assertThat(first.remaining()).as("split %d", split).isEqualTo(split - REQUEST.length());
            }
            assertRequest(r);
        }
    }

    @Test
    void oneByteAtATime() throws Exception {
        byte[] all = bytes(REQUEST);
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(Limits.DEFAULTS);
        for (int i = 0; i < all.length - 1; i++) {
            assertThat(parser.parse(ByteBuffer.wrap(all, i, 1))).isNull();
        }
        assertRequest(parser.parse(ByteBuffer.wrap(all, all.length - 1, 1)));
    }

    @Test
    void responseOneByteAtATimeAndSplitAnywhere() throws Exception {
        byte[] all = concat(bytes(RESPONSE), FRAME);
        HttpHeadParser<HttpResponse> parser = HttpHeadParser.responses(Limits.DEFAULTS);
        HttpResponse r = null;
        int i = 0;
        while (r == null) {
            r = parser.parse(ByteBuffer.wrap(all, i++, 1));
        }
        assertThat(i).isEqualTo(RESPONSE.length());
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.reason()).isEqualTo("Switching Protocols");
        assertThat(r.header("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        for (int split = 0; split <= all.length; split++) {
            HttpHeadParser<HttpResponse> p = HttpHeadParser.responses(Limits.DEFAULTS);
            ByteBuffer first = ByteBuffer.wrap(all, 0, split);
            ByteBuffer rest = ByteBuffer.wrap(all, split, all.length - split);
            HttpResponse res = p.parse(first);
            if (res == null) {
                res = p.parse(rest);
            }
            assertThat(res.status()).as("split %d", split).isEqualTo(101);
            assertThat(first.remaining() + rest.remaining()).isEqualTo(FRAME.length);
        }
    }

    @Test
    void statusLineWithoutReason() throws Exception {
        HttpResponse r = HttpHeadParser.responses(Limits.DEFAULTS)
                .parse(ByteBuffer.wrap(bytes("HTTP/1.1 403\r\nX: y\r\n\r\n")));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.reason()).isEmpty();
        r = HttpHeadParser.responses(Limits.DEFAULTS).parse(ByteBuffer.wrap(bytes("HTTP/1.1 404 \r\n\r\n")));
        assertThat(r.status()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HTTP/1.1 10 OK\r\n\r\n",
            "HTTP/1.1 1011 OK\r\n\r\n",
            "HTTP/1.1 abc OK\r\n\r\n",
            "HTTP/1.1 099 OK\r\n\r\n",
            "HTTP/1.1\r\n\r\n",
            "HTTP/1.1 200 \u0001\r\n\r\n",
            "HTTP/1 101 OK\r\n\r\n",
            "http/1.1 101 OK\r\n\r\n",
    })
    void malformedStatusLineIs400(String head) {
        assertThatThrownBy(() -> HttpHeadParser.responses(Limits.DEFAULTS).parse(ByteBuffer.wrap(bytes(head))))
                .isInstanceOf(HandshakeException.class)
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(400);
    }

    @Test
    void emptyHeaderValueAndOptionalWhitespace() throws Exception {
        HttpRequest r = parseRequest("GET / HTTP/1.1\r\nHost:x\r\nX-Empty:\r\nX-Pad: \t v \t\r\n\r\n");
        assertThat(r.header("Host")).isEqualTo("x");
        assertThat(r.header("X-Empty")).isEmpty();
        assertThat(r.header("X-Pad")).isEqualTo("v");
    }

    @Test
    void latin1ValuesAreKept() throws Exception {
        HttpRequest r = parseRequest("GET / HTTP/1.1\r\nX-Name: caf\u00e9\r\n\r\n");
        assertThat(r.header("X-Name")).isEqualTo("caf\u00e9");
    }

    @Test
    void httpOneZeroIsParsed() throws Exception {
        assertThat(parseRequest("GET / HTTP/1.0\r\n\r\n").version()).isEqualTo("HTTP/1.0");
    }

    // --- malformed input: 400 / 505 -----------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "GET / HTTP/1.1\nHost: x\r\n\r\n",                // bare LF ends the request line
            "GET / HTTP/1.1\r\nHost: x\n\r\n",                // bare LF ends a field
            "GET / HTTP/1.1\r\nHost: x\r\n\n",                // bare LF as the blank line
            "GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n",           // bare CR inside a line
            "\r\nGET / HTTP/1.1\r\n\r\n",                     // empty line before the request line
            "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n",   // obs-fold (SP)
            "GET / HTTP/1.1\r\nHost: x\r\n\tfolded\r\n\r\n",  // obs-fold (HTAB)
            "GET / HTTP/1.1\r\nHost : x\r\n\r\n",             // whitespace before the colon
            "GET / HTTP/1.1\r\nHo(st: x\r\n\r\n",             // name is not a token
            "GET / HTTP/1.1\r\n: x\r\n\r\n",                  // empty name
            "GET / HTTP/1.1\r\nNoColon\r\n\r\n",              // no colon
            "GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n",          // NUL in a value
            "GET / HTTP/1.1\r\nX: a\u007fb\r\n\r\n",          // DEL in a value
            "GET / HTTP/1.1\r\nX: a\u0001b\r\n\r\n",          // CTL in a value
            "GET  / HTTP/1.1\r\n\r\n",                        // two spaces
            "GET / HTTP/1.1 \r\n\r\n",                        // trailing space
            "GET /\r\n\r\n",                                  // HTTP/0.9 style
            "GET\r\n\r\n",
            "G(T / HTTP/1.1\r\n\r\n",                         // method not a token
            "GET /a\u0080 HTTP/1.1\r\n\r\n",                  // non-ASCII target
            "GET / HTTPS/1.1\r\n\r\n",                        // malformed version
            "GET / HTTP/1.10\r\n\r\n",
    })
    void malformedRequestIs400(String head) {
        assertThatThrownBy(() -> parseRequest(head))
                .isInstanceOf(HandshakeException.class)
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(400);
    }

    @Test
    void bareLfFailsAsSoonAsItArrives() {
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(Limits.DEFAULTS);
        // The rest of the head never arrives: the parser must not wait for it.
        assertThatThrownBy(() -> parser.parse(ByteBuffer.wrap(bytes("GET / HTTP/1.1\n"))))
                .isInstanceOf(HandshakeException.class)
                .hasMessageContaining("Bare LF");
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/2.0", "HTTP/0.9", "HTTP/3.0"})
    void unsupportedVersionIs505(String version) {
        assertThatThrownBy(() -> parseRequest("GET / " + version + "\r\n\r\n"))
                .isInstanceOf(HandshakeException.class)
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(505);
    }

    // --- limits: at the limit passes, one past fails with 431 -------------------------------

    private static String requestOfLength(int total) {
        String start = "GET / HTTP/1.1\r\nX: ";
        String end = "\r\n\r\n";
        return start + "a".repeat(total - start.length() - end.length()) + end;
    }

    @Test
    void headOfExactlyMaxHandshakeBytesIsAccepted() throws Exception {
        Limits limits = Limits.DEFAULTS.withMaxHandshakeBytes(200);
        String head = requestOfLength(200);
        assertThat(head).hasSize(200);
        ByteBuffer in = ByteBuffer.wrap(concat(bytes(head), FRAME));
        assertThat(HttpHeadParser.requests(limits).parse(in)).isNotNull();
        assertThat(in.remaining()).isEqualTo(FRAME.length);
    }

    @Test
    void headOneBytePastMaxHandshakeBytesIs431() {
        Limits limits = Limits.DEFAULTS.withMaxHandshakeBytes(200);
        assertThatThrownBy(() -> parseRequest(requestOfLength(201), limits))
                .isInstanceOf(HandshakeException.class)
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(431);
    }

    @Test
    void endlessHeadFailsAtTheLimitWithoutWaitingForTheEnd() {
        Limits limits = Limits.DEFAULTS.withMaxHandshakeBytes(100);
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(limits);
        byte[] garbage = bytes("GET / HTTP/1.1\r\nX: " + "a".repeat(200));
        ByteBuffer in = ByteBuffer.wrap(garbage);
        assertThatThrownBy(() -> parser.parse(in))
                .isInstanceOf(HandshakeException.class)
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(431);
        assertThat(parser.bytesConsumed()).isEqualTo(100);
    }

    @Test
    void defaultHandshakeLimitIs8KiB() throws Exception {
        assertThat(parseRequest(requestOfLength(8192))).isNotNull();
        assertThatThrownBy(() -> parseRequest(requestOfLength(8193)))
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(431);
    }

    private static String requestWithHeaders(int n) {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < n; i++) {
            sb.append("X-").append(i).append(": v\r\n");
        }
        return sb.append("\r\n").toString();
    }

    @Test
    void maxHeadersAtTheLimitIsAccepted() throws Exception {
        Limits limits = Limits.DEFAULTS.withMaxHeaders(10);
        assertThat(parseRequest(requestWithHeaders(10), limits).headers().size()).isEqualTo(10);
        assertThat(parseRequest(requestWithHeaders(100)).headers().size()).isEqualTo(100);
    }

    @Test
    void oneHeaderPastMaxHeadersIs431() {
        Limits limits = Limits.DEFAULTS.withMaxHeaders(10);
        assertThatThrownBy(() -> parseRequest(requestWithHeaders(11), limits))
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(431);
        assertThatThrownBy(() -> parseRequest(requestWithHeaders(101)))
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(431);
    }

    @Test
    void responseLimitsApplyToo() {
        Limits limits = Limits.DEFAULTS.withMaxHeaders(1);
        assertThatThrownBy(() -> HttpHeadParser.responses(limits)
                .parse(ByteBuffer.wrap(bytes("HTTP/1.1 101 OK\r\nA: 1\r\nB: 2\r\n\r\n"))))
                .extracting(e -> ((HandshakeException) e).status()).isEqualTo(431);
    }

    // --- lifecycle ----------------------------------------------------------------------------

    @Test
    void parseAfterCompletionNeedsReset() throws Exception {
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(Limits.DEFAULTS);
        byte[] two = concat(bytes("GET /a HTTP/1.1\r\n\r\n"), bytes("GET /b HTTP/1.1\r\n\r\n"));
        ByteBuffer in = ByteBuffer.wrap(two);
        assertThat(parser.parse(in).target()).isEqualTo("/a");
        assertThatThrownBy(() -> parser.parse(in)).isInstanceOf(IllegalStateException.class);
        parser.reset();
        assertThat(parser.parse(in).target()).isEqualTo("/b");
        assertThat(in.hasRemaining()).isFalse();
    }

    @Test
    void emptyInputNeedsMore() throws Exception {
        assertThat(HttpHeadParser.requests(Limits.DEFAULTS).parse(ByteBuffer.allocate(0))).isNull();
    }

    @Test
    void exceptionBecomesAPlainTextResponse() {
        HandshakeException e = new HandshakeException(431, "Too big.");
        HttpResponse r = e.toResponse();
        assertThat(r.status()).isEqualTo(431);
        assertThat(new String(r.toBytes(), StandardCharsets.ISO_8859_1)).isEqualTo(
                "HTTP/1.1 431 Request Header Fields Too Large\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\n"
                        + "Content-Length: 9\r\n\r\nToo big.\n");
    }
}
