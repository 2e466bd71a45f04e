package dev.duplex.conformance.jython;

import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.python.core.PyString;

/**
 * The two drain loops of Jython 2.7.2's {@code zlib} module ({@code _get_deflate_data} and
 * {@code _get_inflate_data}), in Java. Jython's {@code zlib.py} wraps {@code java.util.zip} and
 * drains it 1 KiB at a time in Python, turning every kilobyte into a Java string and writing it to
 * a {@code cStringIO}; for the fuzzer's permessage-deflate (1000 messages of up to 128 KiB per case
 * of sections 12 and 13) those loops are a large part of its time. These do the same calls on the
 * same {@link Deflater} / {@link Inflater}, with the same flush mode and the same stopping rules,
 * only with a bigger buffer and without the interpreter in the loop: the bytes returned are the
 * same.
 */
public final class ZlibLoops {
    private static final int CHUNK = 64 * 1024;

    private ZlibLoops() {}

    /**
     * What {@code zlib._get_deflate_data(deflater, mode)} returns: deflates with {@code flush} (a
     * {@link Deflater} flush constant) until the deflater is finished or produces nothing more.
     */
    public static PyString deflate(Deflater deflater, int flush) {
        byte[] out = new byte[CHUNK];
        int n = 0;
        while (!deflater.finished()) {
            if (n == out.length) {
                out = Arrays.copyOf(out, out.length * 2);
            }
            int produced = deflater.deflate(out, n, out.length - n, flush);
            if (produced == 0) {
                break;
            }
            n += produced;
        }
        return ByteStrings.str(out, n);
    }

    /**
     * What {@code zlib._get_inflate_data(inflater, maxLength)} returns: inflates until the stream
     * ends or the inflater needs input (or a dictionary), or, when {@code maxLength > 0}, until
     * {@code maxLength} bytes came out.
     */
    public static PyString inflate(Inflater inflater, int maxLength) throws DataFormatException {
        byte[] out = new byte[maxLength > 0 ? Math.min(maxLength, CHUNK) : CHUNK];
        int n = 0;
        while (!inflater.finished()) {
            if (n == out.length) {
                int grown = out.length * 2;
                out = Arrays.copyOf(out, maxLength > 0 ? Math.min(grown, maxLength) : grown);
            }
            int produced = inflater.inflate(out, n, out.length - n);
            if (produced == 0) {
                break;
            }
            n += produced;
            if (maxLength > 0 && n == maxLength) {
                break;
            }
        }
        return ByteStrings.str(out, n);
    }
}
