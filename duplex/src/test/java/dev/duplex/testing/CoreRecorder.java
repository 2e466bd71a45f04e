package dev.duplex.testing;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The sans-I/O core's recorder: drains a {@link Connection} into readable strings, events as one line
 * each, outbound bytes as one hex string (the client API's is {@code dev.duplex.ClientRecorder}, the
 * server API's {@code dev.duplex.server.ServerRecorder}, the transport's
 * {@code dev.duplex.transport.ChannelRecorder}). Two runs compare equal when they behaved the same,
 * which is what split-feeding needs.
 */
public final class CoreRecorder {

    private CoreRecorder() {}

    /** "text Hello", "binary 0102", "ping …", "pong …", "close-received 1000 bye", "closed 1002 unclean RESERVED_OPCODE". */
    public static String describe(ProtocolEvent e) {
        return switch (e) {
            case ProtocolEvent.TextMessage t -> "text " + t.text();
            case ProtocolEvent.BinaryMessage b -> "binary " + Hex.of(b.data());
            case ProtocolEvent.PingReceived p -> "ping " + Hex.of(p.payload());
            case ProtocolEvent.PongReceived p -> "pong " + Hex.of(p.payload());
            case ProtocolEvent.MessagePart m -> (m.text() ? "text-part " : "binary-part ") + Hex.of(m.data())
                    + (m.first() ? " first" : "") + (m.last() ? " last" : "");
            case ProtocolEvent.CloseReceived c -> ("close-received " + c.code() + " " + c.reason()).strip();
            case ProtocolEvent.Closed c -> "closed " + c.code() + (c.wasClean() ? " clean" : " unclean")
                    + (c.cause() instanceof ProtocolException p ? " " + p.violation() : "");
        };
    }

    /** All pending events, described. */
    public static List<String> events(Connection c) {
        List<String> out = new ArrayList<>();
        for (ProtocolEvent e; (e = c.pollEvent()) != null; ) {
            out.add(describe(e));
        }
        return out;
    }

    /** All pending outbound bytes, as one hex string. */
    public static String outbound(Connection c) {
        StringBuilder sb = new StringBuilder();
        for (ByteBuffer b; (b = c.pollOutbound()) != null; ) {
            sb.append(Hex.of(b));
        }
        return sb.toString();
    }

    /** All pending outbound bytes, concatenated into one buffer. */
    public static ByteBuffer outboundBytes(Connection c) {
        List<ByteBuffer> parts = new ArrayList<>();
        int n = 0;
        for (ByteBuffer b; (b = c.pollOutbound()) != null; ) {
            parts.add(b);
            n += b.remaining();
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        parts.forEach(all::put);
        return all.flip();
    }
}
