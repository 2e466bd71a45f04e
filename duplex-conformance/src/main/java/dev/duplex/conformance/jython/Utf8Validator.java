package dev.duplex.conformance.jython;

import org.python.core.Py;
import org.python.core.PyObject;
import org.python.core.PyTuple;

/**
 * Incremental, fail-fast UTF-8 validation for the Autobahn fuzzer running on Jython, with the
 * contract of {@code autobahn.utf8validator.Utf8Validator}: {@code validate(bytes)} returns
 * {@code (valid, endsOnCodePoint, currentIndex, totalIndex)}; on the first byte that cannot continue
 * a well-formed sequence (RFC 3629 section 4: no overlongs, no surrogates, nothing above U+10FFFF)
 * it returns {@code valid == False} with that byte's index in the chunk and in the whole message.
 * Once rejected it stays rejected until {@link #reset()}.
 */
public final class Utf8Validator {
    private int pending;          // continuation bytes still expected
    private int low = 0x80;       // allowed range of the next continuation byte
    private int high = 0xBF;
    private boolean rejected;
    private long total;

    public Utf8Validator() {
        reset();
    }

    public void reset() {
        pending = 0;
        low = 0x80;
        high = 0xBF;
        rejected = false;
        total = 0;
    }

    public PyTuple validate(PyObject chunk) {
        String s = ByteStrings.of(chunk);
        int n = s.length();
        if (rejected) {
            return result(false, false, 0);
        }
        for (int i = 0; i < n; i++) {
            if (!accept(s.charAt(i) & 0xFF)) {
                rejected = true;
                total += i;
                return result(false, false, i);
            }
        }
        total += n;
        return result(true, pending == 0, n);
    }

    /** Feeds one byte; false when it cannot be part of well-formed UTF-8 here. */
    private boolean accept(int b) {
        if (pending > 0) {
            if (b < low || b > high) {
                return false;
            }
            pending--;
            low = 0x80;
            high = 0xBF;
            return true;
        }
        if (b < 0x80) {
            return true;
        }
        if (b >= 0xC2 && b <= 0xDF) {
            pending = 1;
        } else if (b == 0xE0) {
            pending = 2;
            low = 0xA0;           // no overlong 3-byte forms
        } else if (b == 0xED) {
            pending = 2;
            high = 0x9F;          // no UTF-16 surrogates
        } else if (b >= 0xE1 && b <= 0xEF) {
            pending = 2;
        } else if (b == 0xF0) {
            pending = 3;
            low = 0x90;           // no overlong 4-byte forms
        } else if (b >= 0xF1 && b <= 0xF3) {
            pending = 3;
        } else if (b == 0xF4) {
            pending = 3;
            high = 0x8F;          // nothing above U+10FFFF
        } else {
            return false;         // 0x80..0xC1 as a lead byte, 0xF5..0xFF
        }
        return true;
    }

    private PyTuple result(boolean valid, boolean endsOnCodePoint, int index) {
        return new PyTuple(new PyObject[] {
            Py.newBoolean(valid), Py.newBoolean(endsOnCodePoint), Py.newInteger(index), Py.newLong(total)});
    }
}
