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
     * end inside a character. {@code data} is read-only; the part's bytes are its remaining ones.
     *
     * <p>Who owns the bytes is in the type: a {@link Part} owns them (a value, keep it as long as you
     * like); a {@link LentPart} lends them, a view of the buffer the connection was fed, <b>valid only
     * until the next {@link Connection#receive}</b> — {@link #keep()} copies it when it must live longer.
     */
    sealed interface MessagePart extends ProtocolEvent permits Part, LentPart {
        boolean text();

        ByteBuffer data();

        boolean first();

        boolean last();

        /** This part with bytes of its own: itself when it is a {@link Part}, else a copy. */
        Part keep();
    }

    /** A part that owns its bytes (copied out of the input, or inflated): an immutable value. */
    record Part(boolean text, ByteBuffer data, boolean first, boolean last) implements MessagePart {
        @Override
        public Part keep() {
            return this;
        }
    }

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
