package dev.duplex.conformance.jython;

import org.python.core.PyObject;
import org.python.core.PyString;

/**
 * RFC 6455 section 5.3 masking for the Autobahn fuzzer running on Jython: the same contract as
 * {@code autobahn.xormasker}'s pure-Python maskers ({@code pointer()}, {@code reset()},
 * {@code process(data)}), which the suite replaces with {@code wsaccel} when that is importable. The
 * Python loop costs one interpreted step per byte; this one runs at Java speed.
 */
public final class XorMasker {
    private final byte[] mask = new byte[4];
    private long pointer;

    /** {@code mask} is the 4-byte masking key as a Python byte string. */
    public XorMasker(PyString mask) {
        String key = mask.getString();
        if (key.length() != 4) {
            throw new IllegalArgumentException("masking key must be 4 bytes, got " + key.length());
        }
        for (int i = 0; i < 4; i++) {
            this.mask[i] = (byte) key.charAt(i);
        }
    }

    /** Bytes processed since creation or the last {@link #reset()}. */
    public long pointer() {
        return pointer;
    }

    public void reset() {
        pointer = 0;
    }

    /** XORs {@code data} with the key, continuing at the current key position. */
    public PyString process(PyObject data) {
        String in = ByteStrings.of(data);
        char[] out = new char[in.length()];
        int shift = (int) (pointer & 3);
        for (int i = 0; i < out.length; i++) {
            out[i] = (char) ((in.charAt(i) ^ mask[(i + shift) & 3]) & 0xFF);
        }
        pointer += out.length;
        return new PyString(new String(out));
    }
}
