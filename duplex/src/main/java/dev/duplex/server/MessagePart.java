package dev.duplex.server;

import java.nio.ByteBuffer;

/**
 * A piece of a message, delivered as it arrives to a socket's {@link ServerWebSocket#onpart} handler:
 * a 16 MiB upload can be processed (or echoed, or forwarded) without ever being held whole.
 *
 * <p>The parts of one message come in order, the first with {@link #isFirst()}, the end with
 * {@link #isLast()} (an empty last part is possible); a short message is usually one part that is
 * both. Text parts add up to valid UTF-8 (checked as they arrive: invalid bytes close the connection
 * with 1007), but one part may end inside a character, so decode the whole or with a
 * {@link java.nio.charset.CharsetDecoder}. A compressed message (permessage-deflate) arrives as one part.
 *
 * <p>{@link #data()} is read-only and, for handlers on the event loop, <b>valid only during the
 * handler call</b>: it may be a view of the loop's read buffer. Copy what you keep. Passing the part
 * back to {@link ServerWebSocket#sendPart(MessagePart)} during the call is allowed (an echo sends it
 * without copying; what the socket did not take by the end of the call is copied).
 *
 * <p>The part's bytes are the remaining ones of {@link #data()}, from its position to its limit;
 * the position need not be 0 (a view of the read buffer is a window on it), so index from
 * {@code data().position()} or use relative gets. On the event loop the part object itself, and its
 * view, are reused for later parts (the same object may come again with other bytes): keep neither
 * past the call, only a copy of the bytes ({@link #copy()}). So a part is not a value: it has no
 * {@code equals} of its own, as the core's {@link dev.duplex.protocol.LentPart} has none.
 */
public final class MessagePart {

    private final boolean isText;
    private final ByteBuffer data;
    private final boolean isFirst;
    private final boolean isLast;

    /** A part to send with {@link ServerWebSocket#sendPart(MessagePart)} (or a test's own). */
    public MessagePart(boolean isText, ByteBuffer data, boolean isFirst, boolean isLast) {
        this.isText = isText;
        this.data = java.util.Objects.requireNonNull(data, "data");
        this.isFirst = isFirst;
        this.isLast = isLast;
    }

    /** Whether the message is text (UTF-8). */
    public boolean isText() {
        return isText;
    }

    /** The part's bytes (its remaining ones), read-only; lent on the event loop (see above). */
    public ByteBuffer data() {
        return data;
    }

    /** Whether this part starts a message. */
    public boolean isFirst() {
        return isFirst;
    }

    /** Whether this part ends its message. */
    public boolean isLast() {
        return isLast;
    }

    /** This part with a heap copy of its bytes, valid after the handler returns. */
    public MessagePart copy() {
        ByteBuffer src = data.duplicate();
        return new MessagePart(isText, ByteBuffer.allocate(src.remaining()).put(src).flip().asReadOnlyBuffer(), isFirst, isLast);
    }

    @Override
    public String toString() {
        return "MessagePart[text=" + isText + ", bytes=" + data.remaining() + ", first=" + isFirst + ", last=" + isLast + "]";
    }
}
