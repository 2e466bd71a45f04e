package dev.duplex;

import dev.duplex.protocol.Utf8;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * An immutable run of bytes with a MIME type, the Java shape of the File API's {@code Blob}: what a
 * binary message is delivered as while {@code binaryType} is {@code "blob"}, and something
 * {@link WebSocket#send(Blob)} accepts. Held in memory; nothing hands out the array it keeps.
 */
public final class Blob {

    private static final Blob EMPTY = new Blob(new byte[0], "");

    private final byte[] bytes;
    private final String type;

    private Blob(byte[] bytes, String type) {
        this.bytes = bytes;
        this.type = type;
    }

    /** A blob holding a copy of {@code bytes}, with an empty type. */
    public static Blob of(byte[] bytes) {
        return of(bytes, "");
    }

    /**
     * A blob holding a copy of {@code bytes}. As the File API does, a type with a character outside
     * U+0020–U+007E becomes the empty string, and the type is lower-cased.
     */
    public static Blob of(byte[] bytes, String type) {
        Objects.requireNonNull(bytes, "bytes");
        return new Blob(bytes.clone(), normaliseType(type));
    }

    /** A blob holding a copy of the remaining bytes of {@code data} (its position is not moved). */
    public static Blob of(ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return copy.length == 0 ? EMPTY : new Blob(copy, "");
    }

    /** A blob holding the UTF-8 encoding of {@code text} (lone surrogates become U+FFFD first). */
    public static Blob of(String text) {
        Objects.requireNonNull(text, "text");
        return new Blob(Utf8.encode(text), "");
    }

    /** Wraps an array the caller promises never to touch again; no copy. */
    static Blob wrap(byte[] bytes) {
        return new Blob(bytes, "");
    }

    /** The number of bytes. */
    public long size() {
        return bytes.length;
    }

    /** The MIME type, lower case, or {@code ""}. */
    public String type() {
        return type;
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The bytes as a read-only buffer (no copy). */
    public ByteBuffer arrayBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    /** The bytes decoded as UTF-8, malformed sequences replaced by U+FFFD. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** A stream over the bytes. */
    public InputStream stream() {
        return new ByteArrayInputStream(bytes);
    }

    /**
     * A new blob holding bytes {@code start} (inclusive) to {@code end} (exclusive), with the File API's
     * rules: negative indexes count from the end, out-of-range values are clamped.
     */
    public Blob slice(long start, long end, String contentType) {
        int size = bytes.length;
        int from = clampIndex(start, size);
        int to = clampIndex(end, size);
        int span = Math.max(to - from, 0);
        return new Blob(Arrays.copyOfRange(bytes, from, from + span), normaliseType(contentType));
    }

    /** {@code slice(start, size())} with an empty type. */
    public Blob slice(long start) {
        return slice(start, bytes.length, "");
    }

    /** The underlying array, never exposed outside the package. */
    byte[] array() {
        return bytes;
    }

    private static int clampIndex(long index, int size) {
        long i = index < 0 ? Math.max(size + index, 0) : Math.min(index, size);
        return (int) i;
    }

    private static String normaliseType(String type) {
        if (type == null) {
            return "";
        }
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return "";
            }
        }
        return type.toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Blob b && type.equals(b.type) && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(bytes) + type.hashCode();
    }

    @Override
    public String toString() {
        return "Blob[size=" + bytes.length + (type.isEmpty() ? "" : ", type=" + type) + "]";
    }
}
