package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * Encodes frames (RFC 6455 5.2): header and payload into one buffer, masked with a key from the
 * injected {@link MaskSource} when this side is a client (RFC 6455 5.3). Stateless apart from the
 * mask source; not thread-safe when the mask source is not.
 */
public final class FrameEncoder {

    /** Largest header: 2 bytes, 8 bytes of extended length, 4 bytes of masking key. */
    public static final int MAX_HEADER_SIZE = 14;

    private final Role role;
    private final MaskSource masks;
    /** Where frames are written, or null to allocate each (see {@link BufferPool}). */
    final BufferPool pool;

    /** A server never masks (RFC 6455 5.1), so it needs no mask source and one encoder serves all its connections. */
    private static final FrameEncoder SERVER = new FrameEncoder(Role.SERVER, null);

    public FrameEncoder(Role role, MaskSource masks) {
        this(role, masks, null);
    }

    FrameEncoder(Role role, MaskSource masks, BufferPool pool) {
        this.role = role;
        this.masks = masks;
        this.pool = pool;
    }

    /**
     * An encoder for {@code role}: the one shared server encoder (it holds no state), or a new client
     * encoder that masks with keys from {@code masks}.
     */
    public static FrameEncoder of(Role role, MaskSource masks) {
        return role == Role.SERVER ? SERVER : new FrameEncoder(role, masks);
    }

    /** As {@link #of(Role, MaskSource)}, writing frames into {@code pool}'s buffers when it is not null. */
    static FrameEncoder of(Role role, MaskSource masks, BufferPool pool) {
        return pool == null ? of(role, masks) : pool.encoder(role, masks);
    }

    /** Encodes a frame as it is, reserved bits included; no validation (tests use this to misbehave). */
    public ByteBuffer encode(Frame frame) {
        ByteBuffer p = frame.payload();
        int rsv = (frame.rsv1() ? 0x40 : 0) | (frame.rsv2() ? 0x20 : 0) | (frame.rsv3() ? 0x10 : 0);
        return encode(frame.fin(), rsv, frame.opcode(), p, p.position(), p.remaining());
    }

    /**
     * Encodes a frame whose payload is {@code len} bytes of {@code payload} from absolute index
     * {@code index} (the buffer's position is not changed) into a new heap buffer (or one of the
     * pool's), ready to read.
     */
    public ByteBuffer encode(boolean fin, int rsvBits, Opcode opcode, ByteBuffer payload, int index, int len) {
        boolean mask = role == Role.CLIENT;
        int key = mask ? masks.nextMask() : 0;
        ByteBuffer frame = newFrame(headerSize(len, mask) + len);
        byte[] out = frame.array();
        int p = writeHeader(out, fin, rsvBits, opcode, len, mask, key);
        if (mask) {
            Masking.copyMasked(payload, index, out, p, len, key, 0);
        } else {
            Masking.copy(payload, index, out, p, len);
        }
        return frame;
    }

    /** As {@link #encode(boolean, int, Opcode, ByteBuffer, int, int)} from an array. */
    public ByteBuffer encode(boolean fin, int rsvBits, Opcode opcode, byte[] payload, int off, int len) {
        boolean mask = role == Role.CLIENT;
        int key = mask ? masks.nextMask() : 0;
        ByteBuffer frame = newFrame(headerSize(len, mask) + len);
        byte[] out = frame.array();
        int p = writeHeader(out, fin, rsvBits, opcode, len, mask, key);
        if (mask) {
            Masking.copyMasked(payload, off, out, p, len, key, 0);
        } else {
            System.arraycopy(payload, off, out, p, len);
        }
        return frame;
    }

    /**
     * Encodes only the header of a frame whose payload the caller sends separately; when this side
     * masks, {@code payload[off, off+len)} is masked in place, so the caller must own that array.
     */
    public ByteBuffer encodeHeaderMaskingInPlace(boolean fin, int rsvBits, Opcode opcode,
                                                 byte[] payload, int off, int len) {
        boolean mask = role == Role.CLIENT;
        int key = mask ? masks.nextMask() : 0;
        ByteBuffer frame = newFrame(headerSize(len, mask));
        writeHeader(frame.array(), fin, rsvBits, opcode, len, mask, key);
        if (mask) {
            Masking.mask(payload, off, len, key, 0);
        }
        return frame;
    }

    /** Encodes only the header of an unmasked frame (server side) whose payload the caller sends separately. */
    public ByteBuffer encodeHeader(boolean fin, int rsvBits, Opcode opcode, int len) {
        if (role == Role.CLIENT) {
            throw new IllegalStateException("a client's frames are masked: use encodeHeaderMaskingInPlace");
        }
        ByteBuffer frame = newFrame(headerSize(len, false));
        writeHeader(frame.array(), fin, rsvBits, opcode, len, false, 0);
        return frame;
    }

    /** A heap buffer of {@code size} bytes from index 0 of its array: a new one, or the pool's. */
    private ByteBuffer newFrame(int size) {
        return pool == null ? ByteBuffer.wrap(new byte[size]) : pool.frame(size);
    }

    /** Header size for a payload of {@code len} bytes. */
    public static int headerSize(long len, boolean masked) {
        int n = len <= 125 ? 2 : len <= 0xFFFF ? 4 : 10;
        return masked ? n + 4 : n;
    }

    /** Writes a header at the start of {@code out}; returns its size. Uses the minimal length form. */
    static int writeHeader(byte[] out, boolean fin, int rsvBits, Opcode opcode, long len, boolean masked, int key) {
        out[0] = (byte) ((fin ? 0x80 : 0) | (rsvBits & 0x70) | opcode.code());
        int maskBit = masked ? 0x80 : 0;
        int p;
        if (len <= 125) {
            out[1] = (byte) (maskBit | len);
            p = 2;
        } else if (len <= 0xFFFF) {
            out[1] = (byte) (maskBit | 126);
            out[2] = (byte) (len >>> 8);
            out[3] = (byte) len;
            p = 4;
        } else {
            out[1] = (byte) (maskBit | 127);
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (len >>> (56 - 8 * i));
            }
            p = 10;
        }
        if (masked) {
            out[p] = (byte) (key >>> 24);
            out[p + 1] = (byte) (key >>> 16);
            out[p + 2] = (byte) (key >>> 8);
            out[p + 3] = (byte) key;
            p += 4;
        }
        return p;
    }
}
