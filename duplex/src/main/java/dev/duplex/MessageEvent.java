package dev.duplex;

import java.nio.ByteBuffer;

/**
 * A {@code message} event (HTML §the-messageevent-interface). {@link #data()} is a {@link String} for a
 * text message, and for a binary message a {@link Blob} or a read-only {@link ByteBuffer}, depending on
 * the socket's {@code binaryType} when the event was dispatched (WHATWG WebSockets
 * §feedback-from-the-protocol).
 */
public final class MessageEvent extends Event {

    private final Object data;
    private final String origin;

    public MessageEvent(String type, Object data, String origin) {
        super(type);
        this.data = data;
        this.origin = origin == null ? "" : origin;
    }

    /** The message: a {@code String}, a {@link Blob}, or a read-only {@link ByteBuffer}. */
    public Object data() {
        return data;
    }

    /** The serialised origin of the socket's URL, e.g. {@code "ws://example.com:8080"}. */
    public String origin() {
        return origin;
    }

    /** Always {@code ""} for WebSocket messages. */
    public String lastEventId() {
        return "";
    }

    /** Whether this is a text message. */
    public boolean isText() {
        return data instanceof String;
    }

    /** The text of a text message. @throws IllegalStateException for a binary message */
    public String text() {
        if (data instanceof String s) {
            return s;
        }
        throw new IllegalStateException("not a text message: " + data);
    }

    /**
     * A copy of the bytes of a binary message, whichever binaryType delivered it.
     * @throws IllegalStateException for a text message
     */
    public byte[] bytes() {
        if (data instanceof Blob b) {
            return b.bytes();
        }
        if (data instanceof ByteBuffer buf) {
            byte[] copy = new byte[buf.remaining()];
            buf.duplicate().get(copy);
            return copy;
        }
        throw new IllegalStateException("not a binary message");
    }
}
