package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The opening handshake (WHATWG §websocket-opening-handshake, RFC 6455 4.1) and the frame-level failures
 * (RFC 6455 5): every way the server can make the client fail the connection ends in error, then close
 * with 1006 and wasClean false, the cause available.
 */
class HandshakeNetworkTest extends ServerTestBase {

    /** Connects to a raw server answering with {@code response} (a full head) and asserts the failure. */
    private static void assertFails(RawServer.Script script) throws Exception {
        try (RawServer peer = RawServer.start(script)) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(peer.url("/"), WebSocketOptions.builder().protocols("chat").build(), s -> { });
            ClientRecorder.Seen error = r.next("error");
            assertThat(error.state()).isEqualTo(WebSocket.CLOSED);
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1006);
            assertThat(close.wasClean()).isFalse();
            assertThat(close.cause()).isNotNull();
            r.assertNoMore(ws);
        }
    }

    private static String ok(RawServer.Conn c, String extra) throws Exception {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + c.accept() + "\r\n" + extra + "\r\n";
    }

    @Test
    void wrongAcceptKeyFails() throws Exception {
        assertFails(c -> {
            c.readRequest().write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + RawServer.Conn.acceptFor("AAAAAAAAAAAAAAAAAAAAAA==") + "\r\n"
                    + "Sec-WebSocket-Protocol: chat\r\n\r\n");
            c.awaitEof();
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 301 Moved Permanently\r\nLocation: ws://127.0.0.1:1/\r\nContent-Length: 0\r\n\r\n",
            "not http at all\r\n\r\n"})
    void non101ReplyFails(String reply) throws Exception { // including a redirect: redirect mode is "error"
        assertFails(c -> {
            c.readRequest().write(reply);
            c.awaitEof();
        });
    }

    @Test
    void missingUpgradeHeaderFails() throws Exception {
        assertFails(c -> {
            c.readRequest().write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + c.accept() + "\r\nSec-WebSocket-Protocol: chat\r\n\r\n");
            c.awaitEof();
        });
    }

    @Test
    void unrequestedSubprotocolFails() throws Exception {
        assertFails(c -> {
            c.readRequest();
            c.write(ok(c, "Sec-WebSocket-Protocol: superchat\r\n"));
            c.awaitEof();
        });
    }

    @Test
    void requestedSubprotocolButNoneSelectedFails() throws Exception { // WHATWG, stricter than RFC 6455
        assertFails(c -> {
            c.readRequest();
            c.write(ok(c, ""));
            c.awaitEof();
        });
    }

    @Test
    void unrequestedExtensionFails() throws Exception {
        assertFails(c -> {
            c.readRequest();
            c.write(ok(c, "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Extensions: x-unknown\r\n"));
            c.awaitEof();
        });
    }

    @Test
    void slowHandshakeTimesOut() throws Exception { // the slow-handshake handler, with a short timeout
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest();
            c.awaitEof();
        })) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(peer.url("/"), WebSocketOptions.builder()
                    .connectTimeout(java.time.Duration.ofMillis(300)).build(), s -> { });
            assertThat(r.typesUntilClose()).containsExactly("error", "close");
            assertThat(ws.awaitClose(TIMEOUT).code()).isEqualTo(1006);
        }
    }

    /** A frame the server must never send, right after a good handshake. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "masked:81 85 00000000 68656c6c6f",  // RFC 6455 5.1: servers must not mask
            "rsv1:c1 02 6869",                  // RSV1 without a negotiated extension
            "rsv2:a1 02 6869",
            "opcode3:83 00",                    // reserved opcode
            "opcodeB:8b 00",
            "bigping:89 7e 007e " + "00",       // control frame over 125 bytes
            "fragmentedping:09 00",              // control frame not final
            "continuation:80 02 6869",           // continuation with no message
            "badutf8:81 02 c328",                // invalid UTF-8 in a text message
            "close1byte:88 01 03",               // close payload of one byte
            "closecode:88 02 03ed",              // close code 1005 on the wire
            "closebadutf8:88 04 03e8 c328",      // invalid UTF-8 in the close reason
    })
    void badFrameFailsTheConnection(String spec) throws Exception {
        String hex = spec.substring(spec.indexOf(':') + 1).replace(" ", "");
        if (spec.startsWith("bigping")) {
            hex = "897e007e" + "00".repeat(126);
        }
        byte[] frame = java.util.HexFormat.of().parseHex(hex);
        BlockingQueue<Integer> clientClose = new LinkedBlockingQueue<>();
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest().accept101("");
            c.write(frame);
            try {
                clientClose.add(c.readUntilClose().closeCode());
            } catch (java.io.IOException e) {
                clientClose.add(-1); // the client may drop TCP straight away
            }
            c.awaitEof();
        })) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(peer.url("/"), WebSocketOptions.builder().perMessageDeflate(false).build(), s -> { });
            r.next("open");
            assertThat(r.next("error").state()).isEqualTo(WebSocket.CLOSED);
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1006); // the script sees 1006 whatever went on the wire
            assertThat(close.wasClean()).isFalse();
            assertThat(close.cause()).isNotNull();
            Integer sent = clientClose.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(sent).isIn(-1, 1002, 1007); // what the client told the server
            r.assertNoMore(ws);
        }
    }

    @Test
    void theRequestIsWellFormed() throws Exception {
        BlockingQueue<RawServer.Conn> seen = new LinkedBlockingQueue<>();
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest();
            seen.add(c);
            c.accept101("Sec-WebSocket-Protocol: b\r\n");
            c.echoCloseAndEnd();
        })) {
            WebSocket ws = new WebSocket("ws://user:p%40ss@127.0.0.1:" + peer.port() + "/chat/room?x=1&y",
                    WebSocketOptions.builder().protocols("a", "b").header("X-Trace", "42")
                            .header("Origin", "https://app.example").build());
            assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
            assertThat(ws.protocol()).isEqualTo("b");
            RawServer.Conn c = seen.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(c).isNotNull();
            assertThat(c.requestLine).isEqualTo("GET /chat/room?x=1&y HTTP/1.1");
            assertThat(c.header("host")).isEqualTo("127.0.0.1:" + peer.port());
            assertThat(c.header("upgrade")).isEqualToIgnoringCase("websocket");
            assertThat(c.header("connection")).containsIgnoringCase("upgrade");
            assertThat(c.header("sec-websocket-version")).isEqualTo("13");
            assertThat(java.util.Base64.getDecoder().decode(c.header("sec-websocket-key"))).hasSize(16);
            assertThat(c.header("sec-websocket-protocol")).isEqualTo("a, b");
            assertThat(c.header("sec-websocket-extensions")).startsWith("permessage-deflate");
            assertThat(c.header("x-trace")).isEqualTo("42");
            assertThat(c.header("origin")).isEqualTo("https://app.example");
            assertThat(c.header("authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                    .encodeToString("user:p@ss".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            ws.close();
            assertThat(awaitClose(ws).wasClean()).isTrue();
        }
    }

    @Test
    void deflateIsNegotiatedWithTheDuplexServer() throws Exception {
        WebSocket ws = open("/echo");
        assertThat(ws.extensions()).startsWith("permessage-deflate");
        ClientRecorder r = ClientRecorder.on(ws);
        String big = "compressible ".repeat(5000);
        ws.send(big);
        assertThat(r.message().data()).isEqualTo(big);
        ws.close();
        awaitClose(ws);

        WebSocket plain = new WebSocket(server.url("/echo"), WebSocketOptions.builder().perMessageDeflate(false).build());
        assertThat(plain.awaitOpen(TIMEOUT)).isTrue();
        assertThat(plain.extensions()).isEmpty();
        plain.close();
        awaitClose(plain);
    }

    @Test
    void rejectedUpgradeFails() throws Exception {
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect(server.url("/reject?status=403"));
        assertThat(r.typesUntilClose()).containsExactly("error", "close");
        assertThat(ws.awaitClose(TIMEOUT).code()).isEqualTo(1006);
    }
}
