package dev.duplex.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.PerMessageDeflate;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.ServerHandshake;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One server connection on a {@link MemorySocket}, driven by the test thread (its loop is
 * {@link EventLoop#drivenByCaller}, its clock a {@link ManualClock}), with a client-role protocol
 * {@link Connection} as the peer at the socket's other end: no network, no threads, no waiting.
 * {@link #settle} does what the event loop would until nothing is left to do; {@link #advance} moves
 * time and settles.
 */
final class MemoryPeer implements AutoCloseable {

    static final String UPGRADE = "GET /chat HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    final ManualClock clock = new ManualClock();
    final EventLoop loop = EventLoop.drivenByCaller(clock);
    final MemorySocket socket = new MemorySocket();
    /** What the server's listener was called with, in order ({@link OpenInfo}, then events). */
    final List<Object> calls = new ArrayList<>();
    /** The client's side of the protocol: its frames are fed to the socket, the server's decoded by it. */
    final Connection peer = new Connection(Role.CLIENT, Limits.CLIENT, () -> 0x1234_5678, null);
    final SocketConnection connection;

    /** A server connection with {@code config}, upgraded: the 101 has been read by the peer. */
    MemoryPeer(ConnectionConfig config) {
        TransportMetrics.SOCKETS.incrementAndGet(); // as the acceptor counts an accepted socket
        connection = SocketConnection.serve(loop, socket, config, null, (request, exchange) -> {
            try {
                exchange.upgrade(ServerHandshake.validate(request, PerMessageDeflate.Options.DISABLED).accept(),
                        new ChannelListener() {
                            @Override
                            public void onOpen(WsChannel ch, OpenInfo info) {
                                calls.add(info);
                            }

                            @Override
                            public void onEvent(WsChannel ch, ProtocolEvent event) {
                                calls.add(event);
                            }
                        });
            } catch (HandshakeException e) {
                exchange.reject(e.toResponse());
            }
        });
        socket.feed(UPGRADE.getBytes(StandardCharsets.US_ASCII));
        settle();
        String head = new String(socket.takeWritten(), StandardCharsets.US_ASCII);
        assertThat(head).startsWith("HTTP/1.1 101 ");
        assertThat(calls).hasSize(1).first().isInstanceOf(OpenInfo.class);
        calls.clear();
    }

    /** A server's configuration: no timers but the handshake's and the close's, listeners on the loop. */
    static ConnectionConfig config() {
        return config(WebSocketMetrics.NONE);
    }

    /** {@link #config()}, reporting to {@code metrics}. */
    static ConnectionConfig config(WebSocketMetrics metrics) {
        return new ConnectionConfig(Limits.DEFAULTS, () -> 0, 0, -1, Duration.ofSeconds(10), Duration.ofSeconds(5),
                Duration.ZERO, Duration.ZERO, Duration.ZERO, 16L << 20, 64 * 1024, 16 * 1024,
                null, 0, 0, metrics);
    }

    /** Runs what the loop would: ready I/O, posted tasks, due timers, until nothing is left. */
    void settle() {
        for (int i = 0; i < 10_000; i++) {
            loop.runDue();
            int ready = socket.readyOps();
            if (ready == 0) {
                return;
            }
            connection.onReady(ready);
        }
        throw new AssertionError("the connection does not settle");
    }

    /** Moves the clock and lets the timers that are now due run. */
    void advance(Duration d) {
        clock.advance(d);
        settle();
    }

    /** The peer sends what its protocol connection has queued (after a send on {@link #peer}). */
    void peerFlush() {
        for (ByteBuffer b; (b = peer.pollOutbound()) != null; ) {
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            socket.feed(bytes);
        }
        settle();
    }

    /** The peer sends a text message. */
    void peerSendsText(String text) {
        peer.sendText(text);
        peerFlush();
    }

    /** What the peer received since the last call, decoded. */
    List<ProtocolEvent> peerReceived() {
        peer.receive(ByteBuffer.wrap(socket.takeWritten()));
        List<ProtocolEvent> events = new ArrayList<>();
        for (ProtocolEvent e; (e = peer.pollEvent()) != null; ) {
            events.add(e);
        }
        return events;
    }

    /** The server listener's calls since the last call. */
    List<Object> takeCalls() {
        List<Object> c = new ArrayList<>(calls);
        calls.clear();
        return c;
    }

    @Override
    public void close() {
        loop.stopDriven();
        if (connection.readyState() != dev.duplex.protocol.State.CLOSED) {
            connection.closeNow();
        }
    }
}
