package dev.duplex;

/**
 * {@code WebSocket.binaryType} (WHATWG WebSockets §dom-websocket-binarytype): how binary messages are
 * exposed. {@link #BLOB} (the default) delivers a {@link Blob}; {@link #ARRAYBUFFER} delivers a read-only
 * {@link java.nio.ByteBuffer}.
 */
public enum BinaryType {
    BLOB("blob"),
    ARRAYBUFFER("arraybuffer");

    private final String value;

    BinaryType(String value) {
        this.value = value;
    }

    /** The IDL enum value: {@code "blob"} or {@code "arraybuffer"}. */
    public String value() {
        return value;
    }

    /** The constant for an IDL value, or null for any other string (which the setter ignores). */
    static BinaryType fromValue(String value) {
        for (BinaryType t : values()) {
            if (t.value.equals(value)) {
                return t;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return value;
    }
}
