package dev.duplex.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * RFC 6455 5.3 masking: XOR with a 4-byte key, eight bytes at a time. The {@code phase} is the
 * payload offset modulo 4 at which the run starts, so a payload can be (un)masked in pieces.
 */
public final class Masking {

    /** Longs in native order: no byte swapping; the repeated key is laid out to match. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final boolean NATIVE_BIG = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private Masking() {}

    /** Masks {@code a[off, off+len)} in place. */
    public static void mask(byte[] a, int off, int len, int key, int phase) {
        copyMasked(a, off, a, off, len, key, phase);
    }

    /** Copies {@code len} bytes from {@code src} to {@code dst}, XORing them with the key. */
    public static void copyMasked(byte[] src, int srcOff, byte[] dst, int dstOff, int len, int key, int phase) {
        int k = Integer.rotateLeft(key, 8 * (phase & 3));
        long k8 = NATIVE_BIG ? repeat(k) : Long.reverseBytes(repeat(k));
        int i = 0;
        for (int end = len - 7; i < end; i += 8) {
            LONGS.set(dst, dstOff + i, (long) LONGS.get(src, srcOff + i) ^ k8);
        }
        for (; i < len; i++) {
            dst[dstOff + i] = (byte) (src[srcOff + i] ^ (k >>> (24 - 8 * (i & 3))));
        }
    }

    /**
     * Copies {@code len} bytes starting at absolute index {@code srcIndex} of {@code src} (heap,
     * direct or read-only; its position is not changed) to {@code dst}, XORing them with the key.
     */
    public static void copyMasked(ByteBuffer src, int srcIndex, byte[] dst, int dstOff, int len, int key, int phase) {
        if (src.hasArray()) {
            copyMasked(src.array(), src.arrayOffset() + srcIndex, dst, dstOff, len, key, phase);
            return;
        }
        // A bulk copy (an intrinsic) and then masking in the array: about twice as fast as reading
        // the direct buffer a long at a time.
        src.get(srcIndex, dst, dstOff, len);
        mask(dst, dstOff, len, key, phase);
    }

    /**
     * Masks {@code len} bytes of a writable buffer (heap or direct) in place from the absolute
     * {@code index}; its position is not changed.
     */
    public static void maskInPlace(ByteBuffer b, int index, int len, int key, int phase) {
        if (b.hasArray()) {
            mask(b.array(), b.arrayOffset() + index, len, key, phase);
            return;
        }
        int k = Integer.rotateLeft(key, 8 * (phase & 3));
        // getLong/putLong read in the buffer's order: lay the repeated key out to match.
        long k8 = b.order() == ByteOrder.BIG_ENDIAN ? repeat(k) : Long.reverseBytes(repeat(k));
        int i = 0;
        for (int end = len - 7; i < end; i += 8) {
            b.putLong(index + i, b.getLong(index + i) ^ k8);
        }
        for (; i < len; i++) {
            b.put(index + i, (byte) (b.get(index + i) ^ (k >>> (24 - 8 * (i & 3)))));
        }
    }

    /** Copies without masking (key 0), from any kind of buffer, without moving its position. */
    public static void copy(ByteBuffer src, int srcIndex, byte[] dst, int dstOff, int len) {
        if (src.hasArray()) {
            System.arraycopy(src.array(), src.arrayOffset() + srcIndex, dst, dstOff, len);
        } else {
            src.get(srcIndex, dst, dstOff, len);
        }
    }

    private static long repeat(int k) {
        long u = k & 0xFFFF_FFFFL;
        return (u << 32) | u;
    }
}
