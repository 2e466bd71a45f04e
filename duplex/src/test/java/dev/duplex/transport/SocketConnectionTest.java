package dev.duplex.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.State;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection's logic on an in-memory socket and a manual clock ({@link MemoryPeer}): partial
 * writes, backpressure, the closing handshake's timeout, keep-alive, EOF and abort. No network, no
 * threads, no waiting: each test runs in milliseconds.
 */
class SocketConnectionTest {

    private MemoryPeer p;

    @AfterEach
    void close() {
        if (p != null) {
            p.close();
        }
    }

    private static ConnectionConfig keepAlive(Duration idle, Duration ping, Duration pong) {
        ConnectionConfig c = MemoryPeer.config();
        return new ConnectionConfig(c.limits(), c.masks(), 0, -1, c.handshakeTimeout(), c.closeTimeout(),
                idle, ping, pong, c.maxBufferedBytes(), c.writeHighWater(), c.writeLowWater(), null, 0, 0,
                WebSocketMetrics.NONE);
    }

    private static String text(int length, char c) {
        return String.valueOf(c).repeat(length);
    }

    @Test
    void partialWritesLeaveInOrderAsTheSocketTakesThem() {
        p = new MemoryPeer(MemoryPeer.config());
        p.socket.accept(10); // the send buffer takes 10 bytes, then is full
        p.connection.sendText("first");
        p.connection.sendText("second");
        p.connection.sendText("third");
        p.settle();

        assertThat(p.connection.bufferedAmount()).as("payload bytes not yet written").isEqualTo(6 + 5); // "first" went whole, "second" in part
        assertThat(p.socket.writeInterest()).as("write interest while bytes wait").isTrue();
        assertThat(p.peerReceived()).containsExactly(new ProtocolEvent.TextMessage("first"));

        for (int i = 0; i < 20 && p.connection.bufferedAmount() > 0; i++) {
            p.socket.accept(3); // a few bytes per writable event
            p.settle();
        }
        assertThat(p.connection.bufferedAmount()).isZero();
        assertThat(p.socket.writeInterest()).as("no write interest once drained").isFalse();
        assertThat(p.socket.writeCalls()).isGreaterThan(5);
        assertThat(p.peerReceived()).containsExactly(
                new ProtocolEvent.TextMessage("second"), new ProtocolEvent.TextMessage("third"));
    }

    @Test
    void readingPausesAboveTheHighWaterMarkAndResumesAtTheLowOne() {
        p = new MemoryPeer(MemoryPeer.config()); // high 64 KiB, low 16 KiB
        p.socket.accept(0);
        p.connection.sendText(text(100 * 1024, 'a'));
        p.settle();
        assertThat(p.connection.bufferedAmount()).isEqualTo(100 * 1024);
        assertThat(p.socket.readInterest()).as("read interest above the high water mark").isFalse();

        p.peerSendsText("while paused");
        assertThat(p.takeCalls()).as("nothing read while paused").isEmpty();

        p.socket.accept(50 * 1024); // 50 KiB left queued: still above the low mark
        p.settle();
        assertThat(p.socket.readInterest()).isFalse();
        assertThat(p.takeCalls()).isEmpty();

        p.socket.accept(Long.MAX_VALUE);
        p.settle();
        assertThat(p.connection.bufferedAmount()).isZero();
        assertThat(p.socket.readInterest()).as("read interest back at the low water mark").isTrue();
        assertThat(p.takeCalls()).containsExactly(new ProtocolEvent.TextMessage("while paused"));
        assertThat(p.peerReceived()).containsExactly(new ProtocolEvent.TextMessage(text(100 * 1024, 'a')));
    }

    @Test
    void theClosingHandshakeEndsCleanlyWhenThePeerAnswers() {
        p = new MemoryPeer(MemoryPeer.config());
        p.connection.close(CloseCode.NORMAL_CLOSURE, "bye");
        p.settle();
        assertThat(p.peerReceived()).first().isEqualTo(new ProtocolEvent.CloseReceived(CloseCode.NORMAL_CLOSURE, "bye"));
        assertThat(p.socket.isOpen()).as("the server waits for the peer's close").isTrue();

        p.peerFlush(); // the peer's core echoed the close
        assertThat(p.socket.isOpen()).as("a server closes TCP after the handshake").isFalse();
        assertThat(p.takeCalls()).containsExactly(new ProtocolEvent.CloseReceived(CloseCode.NORMAL_CLOSURE, "bye"),
                new ProtocolEvent.Closed(CloseCode.NORMAL_CLOSURE, "bye", true, null));
        assertThat(p.connection.readyState()).isEqualTo(State.CLOSED);
    }

    @Test
    void theCloseTimeoutDropsAPeerThatNeverAnswersOnTheManualClock() {
        p = new MemoryPeer(MemoryPeer.config()); // close timeout 5 s
        p.connection.close(CloseCode.NORMAL_CLOSURE, "bye");
        p.settle();
        assertThat(p.peerReceived()).first().isInstanceOf(ProtocolEvent.CloseReceived.class);
        p.peer.pollOutbound(); // the peer's echo is lost

        p.advance(Duration.ofMillis(4_999));
        assertThat(p.socket.isOpen()).isTrue();
        assertThat(p.connection.readyState()).isEqualTo(State.CLOSING);

        p.advance(Duration.ofMillis(1));
        assertThat(p.socket.isOpen()).as("RFC 6455 7.1.1: TCP dropped").isFalse();
        ProtocolEvent.Closed closed = (ProtocolEvent.Closed) p.takeCalls().getLast();
        assertThat(closed.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(closed.wasClean()).isFalse();
        assertThat(closed.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("closing handshake");
    }

    @Test
    void keepAlivePingsAQuietPeerAndFailsItWhenNoPongComes() {
        p = new MemoryPeer(keepAlive(Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(10)));
        p.advance(Duration.ofSeconds(19));
        assertThat(p.peerReceived()).isEmpty();
        p.advance(Duration.ofSeconds(1));
        assertThat(p.peerReceived()).singleElement().isInstanceOf(ProtocolEvent.PingReceived.class);
        p.peer.pollOutbound(); // the peer's pong is lost

        p.advance(Duration.ofSeconds(9));
        assertThat(p.socket.isOpen()).isTrue();
        p.advance(Duration.ofSeconds(1));
        assertThat(p.socket.isOpen()).isFalse();
        ProtocolEvent.Closed closed = (ProtocolEvent.Closed) p.takeCalls().getLast();
        assertThat(closed.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(closed.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("no pong");
    }

    @Test
    void keepAliveIsSatisfiedByThePongAndPingsAgainAfterTheNextQuietInterval() {
        p = new MemoryPeer(keepAlive(Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(10)));
        p.advance(Duration.ofSeconds(20));
        assertThat(p.peerReceived()).singleElement().isInstanceOf(ProtocolEvent.PingReceived.class);
        p.peerFlush(); // the pong
        p.advance(Duration.ofSeconds(10));
        assertThat(p.socket.isOpen()).isTrue();
        assertThat(p.takeCalls()).singleElement().isInstanceOf(ProtocolEvent.PongReceived.class);
        p.advance(Duration.ofSeconds(10));
        assertThat(p.peerReceived()).singleElement().isInstanceOf(ProtocolEvent.PingReceived.class);
    }

    @Test
    void theIdleTimeoutClosesWith1001() {
        p = new MemoryPeer(keepAlive(Duration.ofSeconds(30), Duration.ZERO, Duration.ZERO));
        p.advance(Duration.ofSeconds(20));
        p.peerSendsText("still here"); // a read restarts the idle time
        p.advance(Duration.ofSeconds(20));
        assertThat(p.peerReceived()).isEmpty();
        p.advance(Duration.ofSeconds(10));
        assertThat(p.peerReceived()).first().isEqualTo(
                new ProtocolEvent.CloseReceived(CloseCode.GOING_AWAY, "idle timeout"));
        p.peerFlush();
        assertThat(p.takeCalls()).containsExactly(new ProtocolEvent.TextMessage("still here"),
                new ProtocolEvent.CloseReceived(CloseCode.GOING_AWAY, "idle timeout"),
                new ProtocolEvent.Closed(CloseCode.GOING_AWAY, "idle timeout", true, null));
    }

    @Test
    void thePeersEofInTheMiddleOfAMessageFailsTheConnectionWith1006() {
        p = new MemoryPeer(MemoryPeer.config());
        p.peer.sendText("a message cut short");
        ByteBuffer frame = p.peer.pollOutbound();
        byte[] half = new byte[frame.remaining() / 2];
        frame.get(half);
        p.socket.feed(half);
        p.settle();
        assertThat(p.takeCalls()).isEmpty();

        p.socket.feedEof();
        p.settle();
        assertThat(p.socket.isOpen()).isFalse();
        List<Object> calls = p.takeCalls();
        assertThat(calls).singleElement().isInstanceOf(ProtocolEvent.Closed.class);
        ProtocolEvent.Closed closed = (ProtocolEvent.Closed) calls.getFirst();
        assertThat(closed.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(closed.wasClean()).isFalse();
        assertThat(p.connection.readyState()).isEqualTo(State.CLOSED);
    }

    @Test
    void anAbortWithBytesQueuedDropsThemAndReportsTheCause() {
        p = new MemoryPeer(MemoryPeer.config());
        p.socket.accept(100);
        p.connection.sendText(text(10_000, 'q'));
        p.settle();
        assertThat(p.connection.bufferedAmount()).isGreaterThan(9_000);
        p.socket.takeWritten();

        IOException cause = new IOException("given up");
        p.connection.abort(cause);
        p.socket.accept(Long.MAX_VALUE);
        p.settle();
        assertThat(p.socket.isOpen()).isFalse();
        assertThat(p.socket.takeWritten()).as("nothing written after the abort").isEmpty();
        assertThat(p.connection.bufferedAmount()).as("dropped bytes leave bufferedAmount").isZero();
        assertThat(p.takeCalls()).singleElement().isEqualTo(
                new ProtocolEvent.Closed(CloseCode.ABNORMAL_CLOSURE, "", false, cause));
        assertThat(p.connection.sendText("late")).as("no send after the end").isFalse();
    }

    @Test
    void sendsFromAnotherThreadWaitForTheLoopAndKeepTheirOrder() throws Exception {
        p = new MemoryPeer(MemoryPeer.config());
        p.connection.sendText("on the loop");
        Thread other = Thread.ofPlatform().start(() -> {
            p.connection.sendText("from elsewhere 1");
            p.connection.sendText("from elsewhere 2");
        });
        other.join();
        assertThat(p.connection.bufferedAmount()).as("counted at once").isEqualTo(32);
        p.settle();
        assertThat(p.peerReceived()).containsExactly(new ProtocolEvent.TextMessage("on the loop"),
                new ProtocolEvent.TextMessage("from elsewhere 1"), new ProtocolEvent.TextMessage("from elsewhere 2"));
        assertThat(p.connection.bufferedAmount()).isZero();
    }

    @Test
    void aSendQueueOverItsLimitFailsTheConnection() {
        ConnectionConfig c = MemoryPeer.config();
        p = new MemoryPeer(new ConnectionConfig(Limits.DEFAULTS, c.masks(), 0, -1, c.handshakeTimeout(),
                c.closeTimeout(), Duration.ZERO, Duration.ZERO, Duration.ZERO, 1024, 512, 256, null, 0, 0,
                WebSocketMetrics.NONE));
        p.socket.accept(0);
        assertThat(p.connection.sendText(text(2000, 'x'))).isTrue();
        p.settle();
        assertThat(p.socket.isOpen()).isFalse();
        assertThat(p.connection.bufferedAmount()).isZero();
        ProtocolEvent.Closed closed = (ProtocolEvent.Closed) p.takeCalls().getLast();
        assertThat(closed.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(closed.cause()).hasMessageContaining("send queue over 1024 bytes");
    }

    @Test
    void aReadFailureFailsTheConnectionWith1006() {
        p = new MemoryPeer(MemoryPeer.config());
        IOException reset = new IOException("Connection reset by peer");
        p.socket.failReads(reset);
        p.settle();
        assertThat(p.socket.isOpen()).isFalse();
        assertThat(p.takeCalls()).singleElement().isEqualTo(
                new ProtocolEvent.Closed(CloseCode.ABNORMAL_CLOSURE, "", false, reset));
    }

    @Test
    void metricsCountMessagesBytesAndTheClose() {
        List<String> counted = new java.util.ArrayList<>();
        long[] bytes = new long[2];
        p = new MemoryPeer(MemoryPeer.config(new WebSocketMetrics() {
            @Override
            public void connectionOpened() {
                counted.add("opened");
            }

            @Override
            public void connectionClosed(int code) {
                counted.add("closed " + code);
            }

            @Override
            public void messageReceived() {
                counted.add("received");
            }

            @Override
            public void messageSent() {
                counted.add("sent");
            }

            @Override
            public void bytesReceived(long n) {
                bytes[0] += n;
            }

            @Override
            public void bytesSent(long n) {
                bytes[1] += n;
            }
        }));
        long handshakeIn = MemoryPeer.UPGRADE.length();
        assertThat(bytes[0]).isEqualTo(handshakeIn);
        long handshakeOut = bytes[1];

        p.peerSendsText("one"); // 2 + 4 (mask) + 3 bytes
        p.connection.sendText("two"); // 2 + 3 bytes
        p.settle();
        p.connection.close(CloseCode.NORMAL_CLOSURE, "");
        p.settle();
        p.peerReceived();
        p.peerFlush(); // the echo: 2 + 4 + 2 bytes
        assertThat(counted).containsExactly("opened", "received", "sent", "closed 1000");
        assertThat(bytes[0]).isEqualTo(handshakeIn + 9 + 8);
        assertThat(bytes[1]).isEqualTo(handshakeOut + 5 + 4);
    }
}
