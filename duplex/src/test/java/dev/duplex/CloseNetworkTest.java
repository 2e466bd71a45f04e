package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** web-platform-tests {@code websockets/Close-*.any.js} and {@code close.any.js}, against real servers. */
class CloseNetworkTest extends ServerTestBase {

    /** The WPT {@code echo_close_data} handler: echoes the client's close frame, code and reason. */
    static RawServer echoCloseData() throws Exception {
        return RawServer.start(c -> {
            c.readRequest().accept101("");
            c.echoCloseAndEnd();
        });
    }

    @ParameterizedTest(name = "close({0}, \"{1}\")")
    @CsvSource(delimiter = '|', value = {
            "1000 | ''",                            // Close-1000, Close-1000-verify-code
            "1000 | Clean Close",                   // Close-1000-reason
            "3000 | Clean Close with code - 3000",  // Close-3000-reason, -verify-code
            "4999 | Clean Close with code - 4999",  // Close-4999-reason
    })
    void codeAndReasonComeBackCleanly(int code, String reason) throws Exception {
        try (RawServer peer = echoCloseData()) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(peer.url("/echo_close_data"), s -> s.setOnopen(e -> s.close(code, reason)));
            r.next("open");
            ClientRecorder.Seen close = r.next("close");
            CloseEvent e = (CloseEvent) close.event();
            assertThat(e.wasClean()).isTrue();
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.reason()).isEqualTo(reason);
            assertThat(close.state()).isEqualTo(WebSocket.CLOSED); // Close-readyState-Closed
            assertThat(ws.readyState()).isEqualTo(WebSocket.CLOSED);
            r.assertNoMore(ws);
        }
    }

    @Test
    void noArgumentsGives1005() throws Exception { // Close-1005-verify-code, Close-undefined
        try (RawServer peer = echoCloseData()) {
            WebSocket ws = new ClientRecorder().connect(peer.url("/"), s -> s.setOnopen(e -> s.close()));
            CloseEvent e = awaitClose(ws);
            assertThat(e.code()).isEqualTo(1005);
            assertThat(e.reason()).isEmpty();
            assertThat(e.wasClean()).isTrue();
        }
    }

    @Test
    void emptyCloseFrameOnTheWire() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        int[] payloadLength = {-1};
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest().accept101("");
            RawServer.Conn.Frame close = c.readUntilClose();
            payloadLength[0] = close.payload().length;
            seen.countDown();
            c.frame(0x88, close.payload());
            c.awaitEof();
        })) {
            WebSocket ws = new ClientRecorder().connect(peer.url("/"), s -> s.setOnopen(e -> s.close()));
            awaitClose(ws);
            assertThat(seen.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(payloadLength[0]).isZero();
        }
    }

    @Test
    void unpairedSurrogateReasonComesBackAsReplacementCharacter() throws Exception { // Close-reason-unpaired-surrogates
        try (RawServer peer = echoCloseData()) {
            WebSocket ws = new ClientRecorder().connect(peer.url("/"), s -> s.setOnopen(e -> s.close(1000, "\uD807")));
            CloseEvent e = awaitClose(ws);
            assertThat(e.reason()).isEqualTo("\uFFFD");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 500, 999, 1001, 1005, 1015, 2999, 5000, 65535})
    void invalidCodeThrowsAndTheSocketStaysOpen(int code) throws Exception { // Close-1005, Close-2999-reason, close-invalid
        WebSocket ws = open("/echo");
        assertDom(() -> ws.close(code, "reason"), "InvalidAccessError");
        assertThat(ws.readyState()).isEqualTo(WebSocket.OPEN);
        ClientRecorder r = ClientRecorder.on(ws);
        ws.send("still open");
        assertThat(r.message().data()).isEqualTo("still open");
        ws.close();
        awaitClose(ws);
    }

    @Test
    void reasonOf124BytesThrowsAndNoCloseFollows() throws Exception { // Close-reason-124Bytes
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        assertDom(() -> ws.close(1000, "0123456789".repeat(12) + "0123"), "SyntaxError");
        assertThat(ws.readyState()).isEqualTo(WebSocket.OPEN);
        ws.send("ping");
        assertThat(r.message().data()).isEqualTo("ping"); // the next event is not a close
        ws.close(1000, "0123456789".repeat(12) + "012"); // 123 bytes is fine
        CloseEvent e = r.close();
        assertThat(e.code()).isEqualTo(1000);
        assertThat(e.wasClean()).isTrue();
    }

    @Test
    void closeWhileConnectingIsErrorThenClose1006() throws Exception { // Close-Connecting
        // A server that accepts TCP but never answers the handshake: the slow handshake.
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest();
            c.awaitEof();
        })) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(peer.url("/slow"));
            ws.close();
            assertThat(ws.readyState()).isIn(WebSocket.CLOSING, WebSocket.CLOSED);
            ClientRecorder.Seen error = r.next("error");
            assertThat(error.state()).isEqualTo(WebSocket.CLOSED);
            CloseEvent e = r.close();
            assertThat(e.code()).isEqualTo(1006);
            assertThat(e.wasClean()).isFalse();
            r.assertNoMore(ws);
        }
    }

    @Test
    void messagesAfterCloseAreDropped() throws Exception { // Close-delayed
        // The server sends a message after it has received the client's close; the client drops it.
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest().accept101("");
            RawServer.Conn.Frame close = c.readUntilClose();
            c.text("too late");
            c.frame(0x88, close.payload());
            c.awaitEof();
        })) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(peer.url("/"), s -> s.setOnopen(e -> s.close(1000, "")));
            r.next("open");
            CloseEvent e = r.close();
            assertThat(e.code()).isEqualTo(1000);
            r.assertNoMore(ws);
        }
    }

    @Test
    void serverInitiatedCloseIsClean() throws Exception { // Close-server-initiated-close
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect(server.url("/close?code=3001&reason=bye"));
        r.next("open");
        CloseEvent e = r.close();
        assertThat(e.code()).isEqualTo(3001);
        assertThat(e.reason()).isEqualTo("bye");
        assertThat(e.wasClean()).isTrue();
        r.assertNoMore(ws);
    }

    @Test
    void serverCloseWithoutCodeIs1005() throws Exception {
        WebSocket ws = new WebSocket(server.url("/close"));
        CloseEvent e = awaitClose(ws);
        assertThat(e.code()).isEqualTo(1005);
        assertThat(e.wasClean()).isTrue();
    }

    @Test
    void closeDuringServerCloseIsIgnored() throws Exception {
        WebSocket ws = new ClientRecorder().connect(server.url("/close?code=1000"), s -> s.setOnopen(e -> s.close(3000, "mine")));
        CloseEvent e = awaitClose(ws);
        assertThat(e.code()).isIn(1000, 3000); // whichever close frame crossed first
        assertThat(e.wasClean()).isTrue();
    }

    @Test
    void serverVanishingIs1006WithCause() throws Exception {
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect(server.url("/terminate"), s -> s.setOnopen(e -> s.send("go away")));
        r.next("open");
        assertThat(r.typesUntilClose()).containsExactly("error", "close");
        CloseEvent e = ws.awaitClose(TIMEOUT);
        assertThat(e.code()).isEqualTo(1006);
        assertThat(e.wasClean()).isFalse();
    }

    @Test
    void secondCloseDoesNothing() throws Exception {
        try (RawServer peer = echoCloseData()) {
            WebSocket ws = new ClientRecorder().connect(peer.url("/"), s -> s.setOnopen(e -> {
                s.close(3000, "first");
                s.close(3001, "second");
                s.close();
            }));
            CloseEvent e = awaitClose(ws);
            assertThat(e.code()).isEqualTo(3000);
            assertThat(e.reason()).isEqualTo("first");
        }
    }
}
