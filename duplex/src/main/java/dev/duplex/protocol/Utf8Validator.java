package dev.duplex.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Incremental UTF-8 validation (RFC 3629 section 4) that fails at the first invalid byte, across any
 * number of pieces (RFC 6455 8.1: a text message may be split anywhere, even inside a code point).
 * ASCII runs are checked eight bytes at a time. Not thread-safe.
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
        int pending = this.pending;
        int low = this.low;
        int high = this.high;
        while (i < end) {
            if (pending == 0) {
                while (i + 8 <= end && ((long) LONGS.get(b, i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
                int c = b[i] & 0xFF;
                if (c < 0x80) {
                    i++;
                    continue;
                } else if (c < 0xC2) {
                    return fail(i);
                } else if (c < 0xE0) {
                    pending = 1;
                } else if (c < 0xF0) {
                    pending = 2;
                    low = c == 0xE0 ? 0xA0 : 0x80; // no overlong forms
                    high = c == 0xED ? 0x9F : 0xBF; // no surrogates
                } else if (c < 0xF5) {
                    pending = 3;
                    low = c == 0xF0 ? 0x90 : 0x80; // no overlong forms
                    high = c == 0xF4 ? 0x8F : 0xBF; // nothing past U+10FFFF
                } else {
                    return fail(i);
                }
            } else {
                int c = b[i] & 0xFF;
                if (c < low || c > high) {
                    return fail(i);
                }
                low = 0x80;
                high = 0xBF;
                pending--;
            }
            i++;
        }
        this.pending = pending;
        this.low = low;
        this.high = high;
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
        while (i < end) {
            if (pending == 0) {
                // HIGH_BITS is the same in either byte order.
                while (i + 8 <= end && (b.getLong(i) & HIGH_BITS) == 0) {
                    i += 8;
                }
                if (i == end) {
                    break;
                }
            }
            if (!accept(b.get(i) & 0xFF)) {
                return fail(i);
            }
            i++;
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
