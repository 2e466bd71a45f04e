package dev.duplex.protocol;

import java.util.Arrays;

/** A growable byte array for reassembling and inflating messages. Package-private; not thread-safe. */
final class MessageBuffer {

    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    byte[] array;
    int length;

    MessageBuffer(int capacity) {
        array = new byte[capacity];
    }

    int free() {
        return array.length - length;
    }

    /** Grows the array to exactly {@code capacity} bytes (no-op when it is that large already). */
    void growTo(int capacity) {
        if (capacity > array.length) {
            array = Arrays.copyOf(array, capacity);
        }
    }

    /** Makes room for {@code extra} more bytes, at least; grows by doubling but never past {@code cap}. */
    void ensure(long extra, long cap) {
        long needed = length + extra;
        if (needed <= array.length) {
            return;
        }
        long target = Math.max(needed, Math.min((long) array.length * 2, Math.min(cap, MAX_ARRAY)));
        if (target > MAX_ARRAY) {
            throw new OutOfMemoryError("message too large for an array");
        }
        array = Arrays.copyOf(array, (int) target);
    }
}
