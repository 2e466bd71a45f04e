package dev.duplex.server;

import dev.duplex.testing.CloseFields;
import dev.duplex.CloseEvent;
import dev.duplex.transport.Leaks;
import dev.duplex.transport.ManualClock;
import dev.duplex.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Handshake, idle, keep-alive and close timers, all on a manual clock: no test waits for real time to pass. */
class ServerTimersNetworkTest {

    private final ManualClock clock = new ManualClock();
    private final ServerRecorder recorder = new ServerRecorder();

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNone();
    }

    private WebSocketServer.Builder builder() {
        return WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1).clock(clock)
                .route("/echo", recorder.around(ws -> ws.onmessage(ws::send)))
                .route("/close", recorder.around(ws -> ws.onmessage(m -> ws.close(4002, "server bye"))))
                .http("/health", req -> HttpReply.text(200, "ok"));
    }

    @Test
    void idleConnectionIsClosedWithGoingAway() throws Exception {
        try (WebSocketServer server = builder().idleTimeout(Duration.ofSeconds(30)).build().start();
             RawClient c = RawClient.upgraded(server.port(), "/echo")) {
            clock.advance(Duration.ofSeconds(29));
            c.text("still here");           // activity resets the idle clock
            assertThat(c.readFrame().text()).isEqualTo("still here");
            clock.advance(Duration.ofSeconds(31));
            RawClient.Frame close = c.readFrame();
            assertThat(close.opcode()).isEqualTo(8);
            assertThat(close.closeCode()).isEqualTo(1001);
            c.close(1001, "");
            assertThat(c.awaitEof()).isTrue();
            CloseEvent e = recorder.close();
            assertThat(CloseFields.of(e)).isEqualTo(new CloseFields(1001, "", true));
        }
    }

    @Test
    void keepAlivePingAnsweredKeepsTheConnection() throws Exception {
        try (WebSocketServer server = builder().pingInterval(Duration.ofSeconds(20))
                .pongTimeout(Duration.ofSeconds(10)).build().start();
             RawClient c = RawClient.upgraded(server.port(), "/echo")) {
            clock.advance(Duration.ofSeconds(21));
            RawClient.Frame ping = c.readFrame();
            assertThat(ping.opcode()).isEqualTo(9);
            c.frame(true, 10, ping.payload());
            c.text("after pong");            // the echo proves the server has read the pong
            assertThat(c.readFrame().text()).isEqualTo("after pong");
            clock.advance(Duration.ofSeconds(11));
            c.text("alive");
            assertThat(c.readFrame().text()).isEqualTo("alive");
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
            assertThat(CloseFields.of(recorder.close())).isEqualTo(new CloseFields(1000, "", true));
        }
    }

    @Test
    void missingPongDropsTheConnectionWith1006() throws Exception {
        try (WebSocketServer server = builder().pingInterval(Duration.ofSeconds(20))
                .pongTimeout(Duration.ofSeconds(10)).build().start();
             RawClient c = RawClient.upgraded(server.port(), "/echo")) {
            clock.advance(Duration.ofSeconds(21));
            assertThat(c.readFrame().opcode()).isEqualTo(9);
            clock.advance(Duration.ofSeconds(11));
            assertThat(c.awaitEof()).isTrue();
            CloseEvent e = recorder.close();
            assertThat(CloseFields.of(e)).isEqualTo(new CloseFields(1006, "", false));
        }
    }

    @Test
    void unansweredCloseIsDroppedAfterTheCloseTimeout() throws Exception {
        try (WebSocketServer server = builder().closeTimeout(Duration.ofSeconds(5)).build().start();
             RawClient c = RawClient.upgraded(server.port(), "/close")) {
            c.text("close me");
            RawClient.Frame close = c.readFrame();
            assertThat(close.closeCode()).isEqualTo(4002);
            clock.advance(Duration.ofSeconds(6));    // we never answer the close
            assertThat(c.awaitEof()).isTrue();
            assertThat(CloseFields.of(recorder.close())).isEqualTo(new CloseFields(1006, "", false));
        }
    }

    @Test
    void connectionWithoutUpgradeIsDroppedAfterTheHandshakeTimeout() throws Exception {
        try (WebSocketServer server = builder().handshakeTimeout(Duration.ofSeconds(10)).build().start();
             RawClient c = new RawClient(server.port())) {
            // A keep-alive HTTP request proves the connection is being served (its timer armed).
            c.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(c.readHead()).startsWith("HTTP/1.1 200");
            clock.advance(Duration.ofSeconds(11));
            assertThat(c.awaitEof()).isTrue();
        }
    }
}
