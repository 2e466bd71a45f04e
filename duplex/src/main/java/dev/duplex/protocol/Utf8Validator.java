package dev.duplex.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Incremental UTF-8 validation (RFC 3629 section 4) that fails at the first invalid byte, across any
 * number of pieces (RFC 6455 8.1: a text message may be split anywhere, even inside a code point).
 * ASCII runs are checked 32 and 8 bytes at a time, and whole code points at once where the longest
 * one fits; only a piece's last three bytes go through the byte-at-a-time state machine. Not thread-safe.
 */
public final class Utf8Validator {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long HIGH_BITS = 0x8080_8080_8080_8080L;

    /** Continuation bytes still expected for the current code point. */
    private int pending;
    /** Allowed range of the next continuation byte (narrowed after E0, ED, F0, F4). */
    private int low = 0x80;
    private int high = 0xBF;

    /**
     * Validates {@code b[off, off+len)} as the continuation of what came before.
     *
     * @return -1 when every byte is acceptable so far, else the index in {@code b} of the first invalid byte
     */
    public int validate(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (pending != 0) { // the rest of a code point begun in an earlier piece
            if (i == end) {
                return -1;
            }
            if (!accept(b[i] & 0xFF)) {
                return fail(i);
            }
            i++;
        }
        scan:
        while (true) {
            if (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) { // one test when mixed text fails it
                i += 8;
                while (i + 32 <= end && (((long) LONGS.get(b, i) | (long) LONGS.get(b, i + 8)
                        | (long) LONGS.get(b, i + 16) | (long) LONGS.get(b, i + 24)) & HIGH_BITS) == 0) {
                    i += 32;
                }
                while (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
            }
            while (i + 4 <= end) { // whole code points while the longest one fits
                int c = b[i];
                if (c >= 0) {
                    i++;
                    continue scan;
                }
                int n = sequence(c & 0xFF, b[i + 1], b[i + 2], b[i + 3]);
                if (n < 0) {
                    return fail(i - n - 1);
                }
                i += n;
            }
            break;
        }
        for (; i < end; i++) { // the last 0-3 bytes, which may begin a code point the next piece ends
            if (!accept(b[i] & 0xFF)) {
                return fail(i);
            }
        }
        return -1;
    }

    /**
     * As {@link #validate(byte[], int, int)}, for {@code len} bytes of any kind of buffer from the
     * absolute {@code index} (its position is not changed).
     *
     * @return -1 when every byte is acceptable so far, else the buffer index of the first invalid byte
     */
    public int validate(java.nio.ByteBuffer b, int index, int len) {
        if (b.hasArray()) {
            int r = validate(b.array(), b.arrayOffset() + index, len);
            return r < 0 ? r : r - b.arrayOffset();
        }
        int i = index;
        int end = index + len;
        while (pending != 0) {
            if (i == end) {
                return -1;
            }
            if (!accept(b.get(i) & 0xFF)) {
                return fail(i);
            }
            i++;
        }
        scan:
        while (true) {
            // HIGH_BITS is the same in either byte order.
            if (i + 8 <= end && (b.getLong(i) & HIGH_BITS) == 0) {
                i += 8;
                while (i + 32 <= end && ((b.getLong(i) | b.getLong(i + 8) | b.getLong(i + 16) | b.getLong(i + 24))
                        & HIGH_BITS) == 0) {
                    i += 32;
                }
                while (i + 8 <= end && (b.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                }
            }
            while (i + 4 <= end) {
                int c = b.get(i);
                if (c >= 0) {
                    i++;
                    continue scan;
                }
                int n = sequence(c & 0xFF, b.get(i + 1), b.get(i + 2), b.get(i + 3));
                if (n < 0) {
                    return fail(i - n - 1);
                }
                i += n;
            }
            break;
        }
        for (; i < end; i++) {
            if (!accept(b.get(i) & 0xFF)) {
                return fail(i);
            }
        }
        return -1;
    }

    /**
     * One whole code point from its lead byte {@code c} (0x80 or above) and the next three bytes
     * (signed, as read; a continuation byte is 0x80-0xBF, that is -128..-65).
     *
     * @return its length (2-4), or {@code -1 - k} where {@code k} is the offset of its first invalid byte
     */
    private static int sequence(int c, int c1, int c2, int c3) {
        if (c < 0xC2) {
            return -1; // a continuation byte, or C0/C1 (overlong forms of ASCII)
        } else if (c < 0xE0) {
            return c1 < -64 ? 2 : -2;
        } else if (c < 0xF0) {
            int u = c1 & 0xFF;
            if (u < (c == 0xE0 ? 0xA0 : 0x80) || u > (c == 0xED ? 0x9F : 0xBF)) { // overlong; surrogates
                return -2;
            }
            return c2 < -64 ? 3 : -3;
        } else if (c < 0xF5) {
            int u = c1 & 0xFF;
            if (u < (c == 0xF0 ? 0x90 : 0x80) || u > (c == 0xF4 ? 0x8F : 0xBF)) { // overlong; past U+10FFFF
                return -2;
            }
            return c2 >= -64 ? -3 : c3 < -64 ? 4 : -4;
        }
        return -1;
    }

    /** One byte of the state machine of {@link #validate(byte[], int, int)}, on the fields. */
    private boolean accept(int c) {
        if (pending == 0) {
            if (c < 0x80) {
                return true;
            } else if (c < 0xC2) {
                return false;
            } else if (c < 0xE0) {
                pending = 1;
            } else if (c < 0xF0) {
                pending = 2;
                low = c == 0xE0 ? 0xA0 : 0x80;
                high = c == 0xED ? 0x9F : 0xBF;
            } else if (c < 0xF5) {
                pending = 3;
                low = c == 0xF0 ? 0x90 : 0x80;
                high = c == 0xF4 ? 0x8F : 0xBF;
            } else {
                return false;
            }
            return true;
        }
        if (c < low || c > high) {
            return false;
        }
        low = 0x80;
        high = 0xBF;
        pending--;
        return true;
    }

    /** A validator in the same state (to try input without committing to it; see {@link #restore}). */
    public Utf8Validator copy() {
        Utf8Validator v = new Utf8Validator();
        v.restore(this);
        return v;
    }

    /** Takes the state of {@code other}. */
    public void restore(Utf8Validator other) {
        pending = other.pending;
        low = other.low;
        high = other.high;
    }

    /** The state, packed in an int, for {@link #restore(int)}: trying input without committing to it allocates nothing. */
    public int snapshot() {
        return pending | low << 8 | high << 16;
    }

    /** Goes back to a state that {@link #snapshot()} returned. */
    public void restore(int snapshot) {
        pending = snapshot & 0xFF;
        low = (snapshot >>> 8) & 0xFF;
        high = snapshot >>> 16;
    }

    /** Whether the input so far ends on a code point boundary (required at the end of a message). */
    public boolean isComplete() {
        return pending == 0;
    }

    /** Forgets all input: ready for a new message. */
    public void reset() {
        pending = 0;
        low = 0x80;
        high = 0xBF;
    }

    /** Whether {@code b[off, off+len)} is complete, valid UTF-8. */
    public static boolean isValid(byte[] b, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.validate(b, off, len) < 0 && v.isComplete();
    }

    private int fail(int i) {
        reset();
        return i;
    }
}
