package dev.duplex.server;

import dev.duplex.protocol.Utf8;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** A complete message from the peer: text or binary. Immutable. */
public final class Message {

    private final String text;
    private final ByteBuffer data;

    private Message(String text, ByteBuffer data) {
        this.text = text;
        this.data = data;
    }

    /** A text message. */
    public static Message text(String text) {
        return new Message(text, null);
    }

    /** A binary message; the buffer is not copied (pass a read-only one). */
    public static Message binary(ByteBuffer data) {
        return new Message(null, data.asReadOnlyBuffer());
    }

    public boolean isText() {
        return text != null;
    }

    /** The text; for a binary message its bytes decoded as UTF-8 (malformed input replaced). */
    public String text() {
        if (text != null) {
            return text;
        }
        return StandardCharsets.UTF_8.decode(data.duplicate()).toString();
    }

    /** The payload, read-only: a binary message's bytes, or a text message's UTF-8 bytes. */
    public ByteBuffer data() {
        if (data != null) {
            return data.duplicate();
        }
        return ByteBuffer.wrap(Utf8.encode(text)).asReadOnlyBuffer();
    }

    /** The payload size in bytes (for text: UTF-8 length). */
    public int size() {
        return data != null ? data.remaining() : (int) Utf8.encodedLength(text);
    }

    @Override
    public String toString() {
        return isText() ? "text(" + text.length() + " chars)" : "binary(" + data.remaining() + " bytes)";
    }
}
