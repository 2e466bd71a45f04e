package dev.duplex.hardening;

import dev.duplex.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static dev.duplex.hardening.Target.status;
import static dev.duplex.hardening.Target.writeQuietly;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks before the 101 (rows 1–6 of docs/hardening.md: oversized heads, malformed upgrade requests,
 * hostile extension offers, slowloris, bytes pipelined behind the request, foreign origins). Each gets
 * its 4xx (or the upgrade goes through unharmed where the input is legal), the connection is
 * released, and the server keeps serving.
 */
class HandshakeAttackNetworkTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    static Target target;

    @BeforeAll
    static void start() {
        // A larger head limit for this class, so that pathological header values reach the parsers.
        target = new Target(b -> b.limits(Target.LIMITS.withMaxHandshakeBytes(256 << 10).withMaxHeaders(100)));
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @AfterEach
    void survived() throws Exception {
        target.assertSurvived();
    }

    private static String upgrade(String... extraLines) {
        StringBuilder sb = new StringBuilder("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String l : extraLines) {
            sb.append(l).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static String standard(String... extraLines) {
        String[] all = new String[extraLines.length + 4];
        all[0] = "Upgrade: websocket";
        all[1] = "Connection: Upgrade";
        all[2] = "Sec-WebSocket-Key: " + KEY;
        all[3] = "Sec-WebSocket-Version: 13";
        System.arraycopy(extraLines, 0, all, 4, extraLines.length);
        return upgrade(all);
    }

    /** Sends {@code request}, returns the response head; the server must then close or keep serving HTTP. */
    private static String send(String request) throws Exception {
        try (RawClient c = target.connect()) {
            writeQuietly(c, request.getBytes(StandardCharsets.ISO_8859_1));
            // A rejected upgrade may be kept alive as an HTTP connection (405, 426) or closed (400, 431);
            // either way the server must release it once we go (Target.assertSurvived checks).
            return c.readHead();
        }
    }

    // Item 1 ---------------------------------------------------------------------------------------

    @Test
    void twoThousandHeaders() throws Exception {
        // CVE-2024-37890: ws crashed on more headers than its limit.
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            sb.append("X-").append(i).append(": a\r\n");
        }
        String head = send(standard(sb.toString().trim()));
        assertThat(status(head)).isEqualTo(431);
    }

    @Test
    void headerLineLongerThanTheHeadLimit() throws Exception {
        String head = send(standard("X-Long: " + "a".repeat(300 << 10)));
        assertThat(status(head)).isEqualTo(431);
    }

    @Test
    void headLongerThanTheLimitInManyLines() throws Exception {
        String head = send(standard("Cookie: " + "c=".repeat(50_000), "Cookie: " + "d=".repeat(50_000),
                "Cookie: " + "e=".repeat(50_000)));
        assertThat(status(head)).isEqualTo(431);
    }

    @Test
    void defaultLimitsRejectAnOversizedHeadWith431() throws Exception {
        try (Target small = new Target()) {
            try (RawClient c = small.connect()) {
                writeQuietly(c, standard("X-Long: " + "a".repeat(9000)).getBytes(StandardCharsets.ISO_8859_1));
                assertThat(status(c.readHead())).isEqualTo(431);
                assertThat(c.awaitEof()).isTrue();
            }
            small.assertSurvived();
        }
    }

    // Item 2 ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no Connection                 | Upgrade: websocket                          |                                 | 400",
        "Connection without upgrade    | Upgrade: websocket                          | Connection: keep-alive          | 400",
        "Upgrade not websocket         | Upgrade: h2c                                | Connection: Upgrade             | 426",
    })
    void upgradeAndConnectionHeaders(String name, String upgrade, String connection, int expected) throws Exception {
        String request = connection == null
                ? upgrade(upgrade, "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13")
                : upgrade(upgrade, connection, "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13");
        assertThat(status(send(request))).isEqualTo(expected);
    }

    @Test
    void noUpgradeHeaderIsPlainHttp() throws Exception {
        // Without "Upgrade: websocket" this is an ordinary GET; /echo serves no HTTP.
        String head = send(upgrade("Connection: Upgrade", "Sec-WebSocket-Key: " + KEY, "Sec-WebSocket-Version: 13",
                "Connection: close"));
        assertThat(status(head)).isBetween(400, 499);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "",                                     // missing
        "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Key: " + KEY,   // duplicated
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ",                      // bad padding
        "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAAAAAAA",                  // 21 bytes
        "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA",                          // 15 bytes
        "Sec-WebSocket-Key: ####################====",
        "Sec-WebSocket-Key: ",
    })
    void badKey(String keyLines) throws Exception {
        String request = keyLines.isEmpty()
                ? upgrade("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13")
                : upgrade("Upgrade: websocket", "Connection: Upgrade", keyLines, "Sec-WebSocket-Version: 13");
        assertThat(status(send(request))).isEqualTo(400);
    }

    @ParameterizedTest(name = "version [{0}]")
    @ValueSource(strings = {"", "12", "14", "8", "13, 13", "013", "13\r\nSec-WebSocket-Version: 13"})
    void versionOtherThan13Is426Naming13(String version) throws Exception {
        String request = version.isEmpty()
                ? upgrade("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY)
                : upgrade("Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: " + KEY,
                        "Sec-WebSocket-Version: " + version);
        String head = send(request);
        assertThat(status(head)).isEqualTo(426);
        assertThat(head).containsIgnoringCase("Sec-WebSocket-Version: 13\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "OPTIONS"})
    void methodOtherThanGet(String method) throws Exception {
        String head = send(standard("Content-Length: 0").replaceFirst("GET", method));
        assertThat(status(head)).isBetween(400, 499);
    }

    @Test
    void http10() throws Exception {
        assertThat(status(send(standard().replace("HTTP/1.1", "HTTP/1.0")))).isEqualTo(400);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /echo HTTP/2.0", "GET /echo", "GET  /echo HTTP/1.1", "\u0000\u0001\u0002 / HTTP/1.1",
        "GET /echo HTTP/1.1 extra", "GET http://[::1 HTTP/1.1"})
    void malformedRequestLine(String line) throws Exception {
        String head = send(standard().replaceFirst("GET /echo HTTP/1.1", line));
        assertThat(status(head)).isBetween(400, 505);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bad Header: x", ": empty-name", "NoColon", "X-Ctl: a\u0000b", "X-Fold: a\r\n folded",
        " Leading: space"})
    void malformedHeaderLine(String line) throws Exception {
        assertThat(status(send(standard(line)))).isEqualTo(400);
    }

    // Item 3 ---------------------------------------------------------------------------------------

    @Test
    void sixtyFourKilobytesOfCommasInSubprotocols() throws Exception {
        String head = send(standard("Sec-WebSocket-Protocol: " + ",".repeat(64 << 10)));
        assertAcceptedWithoutOrRejected(head, "Sec-WebSocket-Protocol");
    }

    @Test
    void sixtyFourKilobytesOfCommasInExtensions() throws Exception {
        String head = send(standard("Sec-WebSocket-Extensions: " + ",".repeat(64 << 10)));
        assertAcceptedWithoutOrRejected(head, "Sec-WebSocket-Extensions");
    }

    @Test
    void manySubprotocolsAndManyOffers() throws Exception {
        String head = send(standard("Sec-WebSocket-Protocol: " + "p, ".repeat(20_000) + "q",
                "Sec-WebSocket-Extensions: " + "x; a=1; b, ".repeat(5_000) + "y"));
        assertAcceptedWithoutOrRejected(head, "Sec-WebSocket-Extensions");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "permessage-deflate; server_max_window_bits=99",
        "permessage-deflate; client_max_window_bits=7",
        "permessage-deflate; client_max_window_bits=16",
        "permessage-deflate; server_max_window_bits=8",
        "permessage-deflate; server_max_window_bits=0015",
        "permessage-deflate; server_max_window_bits=-1",
        "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
        "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
        "permessage-deflate; unknown_param=1",
        "permessage-deflate; server_no_context_takeover=yes",
        "permessage-deflate; client_max_window_bits=\"\\\"\\\"\\\"\"",
        "permessage-deflate; a=\"",
        "permessage-deflate; ;;;;",
        "permessage-deflate;=",
        "\"permessage-deflate\"",
    })
    void pathologicalExtensionOffers(String offer) throws Exception {
        String head = send(standard("Sec-WebSocket-Extensions: " + offer));
        assertAcceptedWithoutOrRejected(head, "Sec-WebSocket-Extensions");
    }

    @Test
    void deepQuoting() throws Exception {
        String head = send(standard("Sec-WebSocket-Extensions: permessage-deflate; x=\"" + "\\\"".repeat(30_000) + "\""));
        assertAcceptedWithoutOrRejected(head, "Sec-WebSocket-Extensions");
        head = send(standard("Sec-WebSocket-Protocol: \"" + "\\\"".repeat(30_000) + "\""));
        assertAcceptedWithoutOrRejected(head, "Sec-WebSocket-Protocol");
    }

    @Test
    void firstAcceptableOfferWins() throws Exception {
        String head = send(standard("Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99, "
                + "permessage-deflate; x, permessage-deflate; client_max_window_bits"));
        assertThat(status(head)).isEqualTo(101);
        assertThat(head).containsIgnoringCase("Sec-WebSocket-Extensions: permessage-deflate");
    }

    @Test
    void windowBitsAtTheEdgesAreAccepted() throws Exception {
        String head = send(standard("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=8"));
        assertThat(status(head)).isEqualTo(101);
        assertThat(head).containsIgnoringCase("permessage-deflate");
    }

    /** Either a 400, or a 101 that does not echo the pathological header (and the socket works). */
    private static void assertAcceptedWithoutOrRejected(String head, String header) {
        int status = status(head);
        assertThat(status).as(head).isIn(101, 400);
        if (status == 101) {
            assertThat(head.toLowerCase()).doesNotContain(header.toLowerCase() + ":");
        }
    }

    // Item 4 ---------------------------------------------------------------------------------------

    @Test
    void silentConnectionIsDroppedAtTheHandshakeTimeout() throws Exception {
        try (RawClient c = target.connect()) {
            target.barrier();   // its handshake timer is armed
            target.clock.advance(Target.seconds(11));
            assertThat(c.awaitEof()).isTrue();
        }
    }

    @Test
    void trickledHeadIsDroppedAtTheHandshakeTimeout() throws Exception {
        try (RawClient c = target.connect()) {
            byte[] request = standard().getBytes(StandardCharsets.ISO_8859_1);
            target.barrier();
            // One byte per fake second: bytes arriving do not extend the handshake deadline.
            for (int i = 0; i < 9; i++) {
                c.write(new byte[] {request[i]});
                target.clock.advance(Target.seconds(1));
            }
            target.clock.advance(Target.seconds(2));
            assertThat(c.awaitEof()).isTrue();
        }
    }

    @Test
    void manySilentConnections() throws Exception {
        RawClient[] cs = new RawClient[50];
        try {
            for (int i = 0; i < cs.length; i++) {
                cs[i] = target.connect();
            }
            target.barrier();
            target.clock.advance(Target.seconds(11));
            for (RawClient c : cs) {
                assertThat(c.awaitEof()).isTrue();
            }
        } finally {
            for (RawClient c : cs) {
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    // Item 5 ---------------------------------------------------------------------------------------

    @Test
    void framesPipelinedBehindTheRequest() throws Exception {
        try (RawClient c = target.connect()) {
            c.write(Target.concat(standard().getBytes(StandardCharsets.ISO_8859_1),
                    Target.frame(0x81, Target.utf8("early")), Target.frame(0x81, Target.utf8("bird"))));
            assertThat(status(c.readHead())).isEqualTo(101);
            assertThat(c.readFrame().text()).isEqualTo("early");
            assertThat(c.readFrame().text()).isEqualTo("bird");
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
            assertThat(c.awaitEof()).isTrue();
        }
    }

    @Test
    void requestBodyOnTheUpgrade() throws Exception {
        // A body on a GET upgrade: either refused, or its bytes are read as (invalid) frames: 1002.
        try (RawClient c = target.connect()) {
            writeQuietly(c, standard("Content-Length: 5").concat("hello").getBytes(StandardCharsets.ISO_8859_1));
            String head = c.readHead();
            if (status(head) == 101) {
                assertThat(Target.awaitCloseCode(c)).isEqualTo(1002);
            } else {
                assertThat(status(head)).isIn(400, 413);
            }
            assertThat(c.awaitEof()).isTrue();
        }
    }

    @Test
    void secondHttpRequestPipelinedBehindTheUpgrade() throws Exception {
        try (RawClient c = target.connect()) {
            c.write((standard() + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(status(c.readHead())).isEqualTo(101);
            assertThat(Target.awaitCloseCode(c)).isEqualTo(1002);   // "GE" is not a masked frame
            assertThat(c.awaitEof()).isTrue();
        }
    }

    // Item 6 ---------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"http://evil.example", "null", "http://127.0.0.1.evil.example", "http://127.0.0.1:1",
        "http://127.0.0.1@evil.example", "file://", "http://[::1]"})
    void foreignOriginIs403(String origin) throws Exception {
        String request = standard("Origin: " + origin).replace("Host: 127.0.0.1\r\n",
                "Host: 127.0.0.1:" + target.port() + "\r\n");
        assertThat(status(send(request))).isEqualTo(403);
    }

    @Test
    void sameOriginIsAccepted() throws Exception {
        String request = standard("Origin: http://127.0.0.1:" + target.port()).replace("Host: 127.0.0.1\r\n",
                "Host: 127.0.0.1:" + target.port() + "\r\n");
        try (RawClient c = target.connect()) {
            c.write(request.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(status(c.readHead())).isEqualTo(101);
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
            assertThat(c.awaitEof()).isTrue();
        }
    }

    @Test
    void allowListAdmitsOnlyItsOrigins() throws Exception {
        try (Target t = new Target(b -> b.allowedOrigins("https://app.example"))) {
            try (RawClient c = t.connect()) {
                c.write(standard("Origin: https://evil.example").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(status(c.readHead())).isEqualTo(403);
                assertThat(c.awaitEof()).isTrue();
            }
            try (RawClient c = t.connect()) {
                c.write(standard("Origin: https://app.example").getBytes(StandardCharsets.ISO_8859_1));
                assertThat(status(c.readHead())).isEqualTo(101);
                c.close(1000, "");
                assertThat(c.readFrame().closeCode()).isEqualTo(1000);
            }
            t.assertSurvived();
        }
    }
}
