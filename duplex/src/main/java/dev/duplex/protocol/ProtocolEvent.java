package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * What the core reports after {@link Connection#receive}: whole messages, control frames, the peer's
 * close, and — exactly once, last — {@link Closed}. Payload buffers are read-only and owned by the event.
 */
public sealed interface ProtocolEvent {

    /** A complete, valid UTF-8 text message. */
    record TextMessage(String text) implements ProtocolEvent {}

    /** A complete binary message; {@code data} is read-only. */
    record BinaryMessage(ByteBuffer data) implements ProtocolEvent {}

    /**
     * A piece of a message, when the connection streams ({@link Connection#streamMessages}): the
     * parts of one message arrive in order, the first with {@code first}, the end with {@code last}
     * (possibly empty); one part may be both. {@code text} parts add up to valid UTF-8 but a part may
     * end inside a character. {@code data} is read-only; when the connection was fed a writable
     * direct buffer it is a view of that buffer, <b>valid only until the next {@link Connection#receive}</b>
     * (an I/O layer copies it before keeping it longer); otherwise it is the event's own. The part's
     * bytes are {@code data}'s remaining ones: when the connection has a {@link BufferPool} whose
     * source is that buffer, {@code data} is a window on it (its position is not 0), and the event
     * and its view are the pool's, reused for the next part lent by any connection sharing the pool.
     */
    record MessagePart(boolean text, ByteBuffer data, boolean first, boolean last) implements ProtocolEvent {}

    /** A ping from the peer; the core has already queued the pong. */
    record PingReceived(ByteBuffer payload) implements ProtocolEvent {}

    /** A pong from the peer (solicited or not). */
    record PongReceived(ByteBuffer payload) implements ProtocolEvent {}

    /**
     * The peer's close frame arrived; {@code code} is {@link CloseCode#NO_STATUS_RECEIVED} when the frame
     * had no payload. The core has already queued its echo if it had not sent a close itself.
     */
    record CloseReceived(CloseCode code, String reason) implements ProtocolEvent {}

    /**
     * The connection is over: always the last event, emitted exactly once. {@code wasClean} is true when
     * both close frames were exchanged (and, for the transport, TCP then closed). {@code cause} is the
     * violation or I/O error that failed the connection, or null.
     */
    record Closed(CloseCode code, String reason, boolean wasClean, Throwable cause) implements ProtocolEvent {}
}
