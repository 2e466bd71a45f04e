package dev.duplex.hardening;

import dev.duplex.testing.CloseFields;
import dev.duplex.CloseEvent;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.testing.Await;
import dev.duplex.testing.RawClient;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.duplex.hardening.Target.concat;
import static dev.duplex.hardening.Target.frame;
import static dev.duplex.hardening.Target.seconds;
import static dev.duplex.hardening.Target.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on a connection's lifetime (rows 19–22 of docs/hardening.md): peers that never finish
 * closing, stop reading, race the close, vanish, or sit idle. Timers run on the target's manual clock; each test has its own server.
 */
class LifecycleAttackNetworkTest {

    // Item 19 --------------------------------------------------------------------------------------

    @Test
    void peerNeverAnswersOurClose() throws Exception {
        try (Target t = new Target(b -> b.closeTimeout(seconds(5)))) {
            try (RawClient c = RawClient.upgraded(t.port(), "/close")) {
                c.text("close me");
                assertThat(c.readFrame().closeCode()).isEqualTo(4002);
                t.clock.advance(seconds(6));   // we never answer and never close TCP
                assertThat(c.awaitEof()).isTrue();
            }
            assertThat(CloseFields.of(t.nextClose())).isEqualTo(new CloseFields(1006, "", false));
            t.assertSurvived();
        }
    }

    @Test
    void peerNeverAnswersAFailureClose() throws Exception {
        try (Target t = new Target(b -> b.closeTimeout(seconds(5)))) {
            try (RawClient c = t.upgraded()) {
                c.write(frame(0x83, new byte[0]));   // reserved opcode: the server fails the connection
                assertThat(Target.awaitCloseCode(c)).isEqualTo(1002);
                t.clock.advance(seconds(6));
                assertThat(c.awaitEof()).isTrue();
            }
            t.nextClose();
            t.assertSurvived();
        }
    }

    // Item 20 --------------------------------------------------------------------------------------

    @Test
    void slowConsumerIsDroppedAtTheQueueLimit() throws Exception {
        byte[] chunk = new byte[256 << 10];
        // On a message, 64 MiB towards a client that reads nothing: past the 2 MiB queue limit the server drops it.
        WebSocketHandler flood = ws -> ws.onmessage(m -> {
            for (int i = 0; i < 256 && ws.send(ByteBuffer.wrap(chunk)); i++) {
                // keep sending while the socket accepts
            }
        });
        try (Target t = new Target(b -> b.maxBufferedBytes(2 << 20).route("/flood", flood))) {
            try (RawClient c = RawClient.upgraded(t.port(), "/flood")) {
                c.text("go");
                // We never read; the server must give up on us without waiting for anything we do.
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (!t.server.connections().isEmpty() && System.nanoTime() - deadline < 0) {
                    Thread.onSpinWait();
                }
                assertThat(t.server.connections()).as("slow consumer dropped").isEmpty();
                t.assertSurvived();   // and others are served meanwhile
            }
            t.assertSurvived();
        }
    }

    // Item 21 --------------------------------------------------------------------------------------

    @Test
    void sendRacingClose() throws Exception {
        try (Target t = new Target()) {
            try (RawClient c = t.upgraded()) {
                // Message and close in one segment: the core holds the close until the message was
                // handled, so the handler's echo goes out before the close is answered, every time.
                c.write(concat(frame(0x81, utf8("last words")), frame(0x88, new byte[] {0x03, (byte) 0xE8})));
                RawClient.Frame f = c.readFrame();
                assertThat(f.opcode()).isEqualTo(1);
                assertThat(f.text()).isEqualTo("last words");
                f = c.readFrame();
                assertThat(f.opcode()).isEqualTo(8);
                assertThat(f.closeCode()).isEqualTo(1000);
                assertThat(c.awaitEof()).isTrue();
            }
            assertThat(CloseFields.of(t.nextClose())).isEqualTo(new CloseFields(1000, "", true));
            t.assertSurvived();
        }
    }

    @Test
    void closeRacingClose() throws Exception {
        try (Target t = new Target()) {
            try (RawClient c = RawClient.upgraded(t.port(), "/close")) {
                // The server closes (4002) on the message while our close (1000) is already on its way.
                c.write(concat(frame(0x81, utf8("x")), frame(0x88, new byte[] {0x03, (byte) 0xE8})));
                assertThat(Target.awaitCloseCode(c)).isIn(4002, 1000);
                assertThat(c.awaitEof()).isTrue();
            }
            CloseEvent e = t.nextClose();
            assertThat(e.wasClean()).isTrue();
            t.assertSurvived();
        }
    }

    @Test
    void resetInTheMiddleOfAFrame() throws Exception {
        try (Target t = new Target()) {
            RawClient c = t.upgraded();
            byte[] f = frame(0x82, new byte[50_000]);
            c.write(java.util.Arrays.copyOf(f, 20_000));
            c.vanish();
            assertThat(CloseFields.of(t.nextClose())).isEqualTo(new CloseFields(1006, "", false));
            t.assertSurvived();
        }
    }

    @Test
    void halfOpenConnectionIsFoundByKeepAlive() throws Exception {
        try (Target t = new Target(b -> b.pingInterval(seconds(20)).pongTimeout(seconds(10)))) {
            try (RawClient c = t.upgraded()) {
                c.write(java.util.Arrays.copyOf(frame(0x81, utf8("never finished")), 5));
                t.barrier();
                t.clock.advance(seconds(21));
                assertThat(c.readFrame().opcode()).isEqualTo(9);   // the ping; we stay silent
                t.clock.advance(seconds(11));
                assertThat(c.awaitEof()).isTrue();
            }
            assertThat(t.nextClose().code()).isEqualTo(1006);
            t.assertSurvived();
        }
    }

    // Item 22 --------------------------------------------------------------------------------------

    @Test
    void manyIdleConnectionsAreClosedByTheIdleTimeout() throws Exception {
        try (Target t = new Target(b -> b.idleTimeout(seconds(30)).closeTimeout(seconds(5)))) {
            List<RawClient> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    idle.add(t.upgraded());
                }
                t.clock.advance(seconds(31));
                for (RawClient c : idle) {
                    assertThat(Target.awaitCloseCode(c)).isEqualTo(1001);
                }
                // Half of them answer the close, the other half never do: the close timeout drops those.
                for (int i = 0; i < idle.size(); i += 2) {
                    idle.get(i).close(1001, "");
                }
                t.barrier();
                t.clock.advance(seconds(6));
                for (RawClient c : idle) {
                    assertThat(c.awaitEof()).isTrue();
                }
            } finally {
                for (RawClient c : idle) {
                    closeQuietly(c);
                }
            }
            t.assertSurvived();
        }
    }

    /**
     * A connection cap: with 20 open (half upgraded, half silent in the handshake), the next ones are
     * closed at once without being read; when some end, new ones are served again.
     */
    @Test
    void connectionsOverTheCapAreClosedAtOnce() throws Exception {
        try (Target t = new Target(b -> b.maxConnections(20))) {
            List<RawClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    held.add(t.upgraded());
                    held.add(t.connect()); // silent: counts while it handshakes
                }
                for (int i = 0; i < 3; i++) {
                    try (RawClient extra = t.connect()) {
                        extra.write("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                        assertThat(extra.awaitEof()).as("a connection over the cap is closed").isTrue();
                    } catch (IOException refused) {
                        // a reset is a refusal too
                    }
                }
                held.get(0).text("still served");
                assertThat(held.get(0).readFrame().text()).isEqualTo("still served");
                // two end: two new connections fit again
                held.remove(1).close();
                held.remove(1).close(1000, "");
                assertThat(t.nextClose().code()).isEqualTo(1000);
                held.remove(0).close();
            } finally {
                for (RawClient c : held) {
                    closeQuietly(c);
                }
            }
            awaitUpgradable(t);
            t.assertSurvived();
        }
    }

    /** Retries an upgrade until the server, having seen the ends of earlier connections, takes it. */
    private static void awaitUpgradable(Target t) throws Exception {
        IOException[] last = new IOException[1];
        boolean upgraded = Await.reached(Duration.ofSeconds(30), () -> {
            try (RawClient c = t.upgraded()) {
                c.close(1000, "");
                c.awaitEof();
                return true;
            } catch (IOException notYet) {
                last[0] = notYet;
                return false;
            }
        });
        if (!upgraded) {
            throw last[0] != null ? last[0] : new IOException("no upgrade within 30 s");
        }
    }

    private static void closeQuietly(RawClient c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
