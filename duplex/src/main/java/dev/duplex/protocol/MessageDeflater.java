package dev.duplex.protocol;

import java.util.zip.Deflater;

/**
 * Compresses outgoing message payloads for permessage-deflate (RFC 7692 7.2.1): raw DEFLATE, flushed
 * with a sync flush, with the trailing empty block {@code 00 00 ff ff} removed. Keeps the LZ77 window
 * between messages unless the negotiated parameters say this side resets it. The output lives in a
 * reused buffer ({@link #output()}) valid until the next call. Not thread-safe; {@link #release()}
 * frees the native zlib stream.
 */
public final class MessageDeflater {

    private static final int TAIL_LENGTH = 4;

    private final Deflater deflater;
    private final boolean noContextTakeover;
    private byte[] out = new byte[256];
    private boolean released;

    /**
     * As {@link #MessageDeflater(DeflateParameters, Role, int)} with zlib's default level (6).
     */
    public MessageDeflater(DeflateParameters parameters, Role role) {
        this(parameters, role, Deflater.DEFAULT_COMPRESSION);
    }

    /**
     * @param parameters the negotiated parameters
     * @param role       this side's role: the side whose {@code no_context_takeover} applies to our output
     * @param level      zlib compression level, 0-9, or -1 ({@link Deflater#DEFAULT_COMPRESSION}, 6)
     * @throws IllegalArgumentException when this side must use a window under 15 bits, which
     *                                  {@code java.util.zip} cannot produce (the handshake declines that),
     *                                  or for a level out of range
     */
    public MessageDeflater(DeflateParameters parameters, Role role, int level) {
        checkLevel(level);
        if (parameters.maxWindowBits(role) != 15) {
            throw new IllegalArgumentException("java.util.zip deflates with a 15-bit window only");
        }
        this.deflater = new Deflater(level, true);
        this.noContextTakeover = parameters.noContextTakeover(role);
    }

    /**
     * Compresses {@code in[off, off+len)} as one message; returns the length of the result in
     * {@link #output()}.
     */
    public int compress(byte[] in, int off, int len) {
        if (released) {
            throw new IllegalStateException("released");
        }
        deflater.setInput(in, off, len);
        int n = 0;
        while (true) {
            int got = deflater.deflate(out, n, out.length - n, Deflater.SYNC_FLUSH);
            n += got;
            if (n < out.length) {
                break; // a sync flush that did not fill the buffer has written everything
            }
            out = java.util.Arrays.copyOf(out, out.length * 2);
        }
        if (noContextTakeover) {
            deflater.reset();
        }
        // RFC 7692 7.2.1: remove the 4 octets 00 00 ff ff at the tail.
        if (n >= TAIL_LENGTH && out[n - 4] == 0 && out[n - 3] == 0 && out[n - 2] == (byte) 0xFF
                && out[n - 1] == (byte) 0xFF) {
            n -= TAIL_LENGTH;
        }
        if (n == 0) {
            // An empty message after an earlier flush: zlib emits nothing at all, but the receiver appends
            // 00 00 ff ff and would read a stored block cut short, corrupting the next message. Send the
            // single 0x00 of an empty uncompressed DEFLATE block instead (RFC 7692 7.2.3.6).
            out[0] = 0;
            n = 1;
        }
        return n;
    }

    /** Throws unless {@code level} is a zlib level: -1 (default) or 0 (stored) to 9 (smallest). */
    public static void checkLevel(int level) {
        if (level < Deflater.DEFAULT_COMPRESSION || level > Deflater.BEST_COMPRESSION) {
            throw new IllegalArgumentException("compression level must be -1 or 0-9: " + level);
        }
    }

    /** The buffer holding the last result. */
    public byte[] output() {
        return out;
    }

    /** Ends the native stream; idempotent. */
    public void release() {
        if (!released) {
            released = true;
            deflater.end();
        }
    }

    boolean isReleased() {
        return released;
    }
}
