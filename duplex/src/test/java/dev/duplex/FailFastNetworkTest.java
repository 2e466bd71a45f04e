package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

/**
 * RFC 6455 7.1.7 with the listeners on the socket's own dispatcher: a message that arrived whole
 * before a protocol violation (in the same read) is delivered, and what the listener sends in answer
 * leaves before the client's close frame (Autobahn 3.2, 4.1.3, 5.15 ask for exactly this).
 */
class FailFastNetworkTest {

    @RepeatedTest(20) // the race it guards against is between the loop and the dispatcher
    void theAnswerToAMessageBeforeAViolationLeavesBeforeTheClose() throws Exception {
        CompletableFuture<RawServer.Conn.Frame> first = new CompletableFuture<>();
        CompletableFuture<RawServer.Conn.Frame> second = new CompletableFuture<>();
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + c.accept() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            all.writeBytes(new byte[] {(byte) 0x81, 5, 'H', 'e', 'l', 'l', 'o'}); // text "Hello"
            all.writeBytes(new byte[] {(byte) 0x83, 0}); // reserved opcode 3
            c.write(all.toByteArray()); // one write: the client reads them together
            first.complete(c.readFrame());
            second.complete(c.readFrame());
            c.awaitEof();
        })) {
            WebSocket ws = new WebSocket(peer.url("/"), WebSocketOptions.defaults(),
                    s -> s.setOnmessage(e -> s.send((String) e.data())));
            CloseEvent close = ws.awaitClose(ClientRecorder.TIMEOUT);
            assertThat(close).isNotNull();
            assertThat(close.code()).isEqualTo(1006);
            RawServer.Conn.Frame echo = first.get(30, TimeUnit.SECONDS);
            assertThat(echo.b0()).isEqualTo(0x81);
            assertThat(new String(echo.payload(), StandardCharsets.UTF_8)).isEqualTo("Hello");
            RawServer.Conn.Frame closeFrame = second.get(30, TimeUnit.SECONDS);
            assertThat(closeFrame.b0()).isEqualTo(0x88);
            assertThat(((closeFrame.payload()[0] & 0xff) << 8) | (closeFrame.payload()[1] & 0xff)).isEqualTo(1002);
        }
    }

    @RepeatedTest(10)
    void theAnswerStillLeavesFirstWhenTheViolationComesInALaterRead() throws Exception {
        CountDownLatch messageSeen = new CountDownLatch(1);
        CountDownLatch violationSent = new CountDownLatch(1);
        CompletableFuture<RawServer.Conn.Frame> first = new CompletableFuture<>();
        CompletableFuture<RawServer.Conn.Frame> second = new CompletableFuture<>();
        try (RawServer peer = RawServer.start(c -> {
            c.readRequest().accept101("");
            c.text("Hello");
            messageSeen.await(); // so the bad frame comes in a later read
            c.write(new byte[] {(byte) 0x83, 0}); // reserved opcode 3
            violationSent.countDown();
            first.complete(c.readFrame());
            second.complete(c.readFrame());
            c.awaitEof();
        })) {
            WebSocket ws = new WebSocket(peer.url("/"), WebSocketOptions.defaults(), s -> s.setOnmessage(e -> {
                messageSeen.countDown();
                try {
                    violationSent.await(); // the listener is still busy when the bad frame arrives
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                s.send((String) e.data());
            }));
            assertThat(ws.awaitClose(ClientRecorder.TIMEOUT)).isNotNull();
            assertThat(first.get(30, TimeUnit.SECONDS).b0()).isEqualTo(0x81);
            assertThat(second.get(30, TimeUnit.SECONDS).b0()).isEqualTo(0x88);
        }
    }
}
