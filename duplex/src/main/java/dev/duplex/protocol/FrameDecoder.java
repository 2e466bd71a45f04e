package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * Incremental frame decoder (RFC 6455 5.2): accepts bytes in chunks of any size, down to one byte at a
 * time, and checks every header rule that needs no message context. It is used in two steps:
 * {@link #readHeader} until it returns true, then {@link #readPayload} until {@link #payloadComplete()};
 * or, more simply and with one extra copy, {@link #decode} for whole {@link Frame}s.
 *
 * <pre>
 *  0               1               2               3
 *  0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * </pre>
 *
 * Not thread-safe.
 */
public final class FrameDecoder {

    private static final int B0_FIN = 0x80;
    private static final int B0_RSV1 = 0x40;
    private static final int B0_RSV2 = 0x20;
    private static final int B0_RSV3 = 0x10;
    private static final int B0_OPCODE = 0x0F;
    private static final int B1_MASK = 0x80;
    private static final int B1_LENGTH = 0x7F;
    private static final int LENGTH_16 = 126;
    private static final int LENGTH_64 = 127;
    private static final int CONTROL_MAX = 125;

    private final Role role;
    private final long maxFrameSize;
    private final boolean rsv1Allowed;

    /**
     * A header that arrives split across reads, kept until it is whole; made for the first such
     * header (most arrive whole, and a server holds one decoder per idle connection).
     */
    private byte[] head;
    private int headLength;
    private boolean inPayload;

    // The current frame's header. RSV2 and RSV3 are always clear once checked, and whether the
    // payload is masked follows from the role (RFC 6455 5.1), so neither takes a field.
    private boolean fin;
    private boolean rsv1;
    private Opcode opcode;
    private int maskKey;
    private long length;
    private long remaining;

    /** Payload of the frame being assembled by {@link #decode}. */
    private byte[] framePayload;

    /**
     * @param role        the role of this side; frames are expected from {@code role.peer()}
     * @param limits      {@link Limits#maxFrameSize()} is enforced on the header, before the payload arrives
     * @param rsv1Allowed whether an extension (permessage-deflate) gave RSV1 a meaning
     */
    public FrameDecoder(Role role, Limits limits, boolean rsv1Allowed) {
        this.role = role;
        this.maxFrameSize = limits.maxFrameSize();
        this.rsv1Allowed = rsv1Allowed;
    }

    /**
     * Consumes header bytes from {@code in}. Returns true once the whole header of the next frame is
     * known; its fields are then available until the payload is complete. Consumes nothing when
     * called while a payload is still being read.
     */
    public boolean readHeader(ByteBuffer in) throws ProtocolException {
        if (inPayload) {
            return true;
        }
        if (headLength == 0 && in.remaining() >= 2 && readWholeHeader(in)) {
            return true;
        }
        int need = headLength < 2 ? 2 : headerSize(head[1]);
        while (headLength < need) {
            if (!in.hasRemaining()) {
                return false;
            }
            if (head == null) {
                head = new byte[FrameEncoder.MAX_HEADER_SIZE];
            }
            head[headLength++] = in.get();
            if (headLength == 2) {
                checkFirstBytes(head[0], head[1]);
                need = headerSize(head[1]);
            }
        }
        parseLengthAndMask(ByteBuffer.wrap(head), 0);
        headLength = 0;
        inPayload = true;
        remaining = length;
        return true;
    }

    /**
     * Copies up to {@code max} payload bytes of the current frame from {@code in} into {@code dst},
     * unmasking them. Returns the number of bytes copied.
     */
    public int readPayload(ByteBuffer in, byte[] dst, int off, int max) {
        int n = (int) Math.min(Math.min(remaining, in.remaining()), max);
        if (n == 0) {
            return 0;
        }
        int pos = in.position();
        if (peerMasks()) {
            Masking.copyMasked(in, pos, dst, off, n, maskKey, (int) ((length - remaining) & 3));
        } else {
            Masking.copy(in, pos, dst, off, n);
        }
        in.position(pos + n);
        remaining -= n;
        return n;
    }

    /**
     * Unmasks the next {@code n} payload bytes of the current frame in place in {@code in} (which
     * must be writable, and hold them from its position) and moves past them.
     */
    public void unmaskInPlace(ByteBuffer in, int n) {
        if (n > remaining || n > in.remaining()) {
            throw new IllegalArgumentException("more than the frame's payload at hand");
        }
        int pos = in.position();
        if (peerMasks() && n > 0) {
            Masking.maskInPlace(in, pos, n, maskKey, (int) ((length - remaining) & 3));
        }
        in.position(pos + n);
        remaining -= n;
    }

    /** The common case: the whole header is in {@code in}; read it where it is. */
    private boolean readWholeHeader(ByteBuffer in) throws ProtocolException {
        int pos = in.position();
        byte b0 = in.get(pos);
        byte b1 = in.get(pos + 1);
        checkFirstBytes(b0, b1);
        int size = headerSize(b1);
        if (in.remaining() < size) {
            if (head == null) {
                head = new byte[FrameEncoder.MAX_HEADER_SIZE];
            }
            head[0] = b0;
            head[1] = b1;
            headLength = 2;
            in.position(pos + 2);
            return false; // continue byte by byte from the third byte
        }
        parseLengthAndMask(in, pos);
        in.position(pos + size);
        headLength = 0;
        inPayload = true;
        remaining = length;
        return true;
    }

    /** Payload bytes of the current frame not yet read. */
    public long payloadRemaining() {
        return remaining;
    }

    /** Whether the current frame's payload has been read entirely; the next call reads a new header. */
    public boolean payloadComplete() {
        return inPayload && remaining == 0;
    }

    /** Marks the current frame as finished once its payload is complete. */
    public void endFrame() {
        if (remaining != 0) {
            throw new IllegalStateException("payload not complete");
        }
        inPayload = false;
    }

    /**
     * Decodes whole frames: returns the next complete frame, or null when {@code in} ran out first
     * (what was consumed is kept). Convenient for tests and tools; {@link Connection} uses the
     * two-step API to avoid a copy.
     */
    public Frame decode(ByteBuffer in) throws ProtocolException {
        if (!inPayload) {
            if (!readHeader(in)) {
                return null;
            }
            if (length > Integer.MAX_VALUE - 16) {
                throw new ProtocolException(Violation.FRAME_TOO_BIG); // no array can hold it
            }
            framePayload = new byte[(int) length];
        }
        int off = (int) (length - remaining);
        readPayload(in, framePayload, off, (int) remaining);
        if (remaining > 0) {
            return null;
        }
        endFrame();
        Frame f = new Frame(fin, rsv1, false, false, opcode, ByteBuffer.wrap(framePayload));
        framePayload = null;
        return f;
    }

    public boolean fin() {
        return fin;
    }

    public boolean rsv1() {
        return rsv1;
    }

    public Opcode opcode() {
        return opcode;
    }

    /** The payload length of the current frame. */
    public long length() {
        return length;
    }

    /** Frames from a client are masked, frames from a server are not (checked per frame). */
    private boolean peerMasks() {
        return role == Role.SERVER;
    }

    private void checkFirstBytes(byte byte0, byte byte1) throws ProtocolException {
        int b0 = byte0 & 0xFF;
        int b1 = byte1 & 0xFF;
        fin = (b0 & B0_FIN) != 0;
        rsv1 = (b0 & B0_RSV1) != 0;
        boolean rsv2 = (b0 & B0_RSV2) != 0;
        boolean rsv3 = (b0 & B0_RSV3) != 0;
        opcode = Opcode.of(b0 & B0_OPCODE);
        boolean masked = (b1 & B1_MASK) != 0;
        int len7 = b1 & B1_LENGTH;
        // RFC 6455 5.2: reserved opcodes MUST fail the connection.
        if (opcode == null) {
            throw new ProtocolException(Violation.RESERVED_OPCODE);
        }
        // RFC 6455 5.2: RSV bits MUST be 0 unless an extension defines them; RFC 7692 6: only RSV1.
        if (rsv2 || rsv3 || (rsv1 && !rsv1Allowed)) {
            throw new ProtocolException(Violation.RESERVED_BITS);
        }
        if (opcode.isControl()) {
            // RFC 6455 5.5: control frames are at most 125 bytes and never fragmented.
            if (len7 > CONTROL_MAX) {
                throw new ProtocolException(Violation.CONTROL_FRAME_TOO_LONG);
            }
            if (!fin) {
                throw new ProtocolException(Violation.FRAGMENTED_CONTROL_FRAME);
            }
            // RFC 7692 6.1: RSV1 belongs to the first frame of a data message only.
            if (rsv1) {
                throw new ProtocolException(Violation.RSV1_ON_CONTROL_FRAME);
            }
        }
        // RFC 6455 5.1: a server MUST fail on an unmasked frame, a client on a masked one.
        if (role == Role.SERVER && !masked) {
            throw new ProtocolException(Violation.UNMASKED_CLIENT_FRAME);
        }
        if (role == Role.CLIENT && masked) {
            throw new ProtocolException(Violation.MASKED_SERVER_FRAME);
        }
    }

    /** The header's size, from its second byte (whose mask bit was checked against the role). */
    private static int headerSize(byte b1) {
        int len7 = b1 & B1_LENGTH;
        int extended = len7 == LENGTH_16 ? 2 : len7 == LENGTH_64 ? 8 : 0;
        return 2 + extended + ((b1 & B1_MASK) != 0 ? 4 : 0);
    }

    /** Reads the length and the masking key of the header at absolute index {@code at} of {@code h}. */
    private void parseLengthAndMask(ByteBuffer h, int at) throws ProtocolException {
        int len7 = h.get(at + 1) & B1_LENGTH;
        int p = 2;
        if (len7 == LENGTH_16) {
            length = ((h.get(at + 2) & 0xFF) << 8) | (h.get(at + 3) & 0xFF);
            p = 4;
            // RFC 6455 5.2: the minimal number of bytes MUST be used to encode the length.
            if (length <= CONTROL_MAX) {
                throw new ProtocolException(Violation.NON_MINIMAL_LENGTH);
            }
        } else if (len7 == LENGTH_64) {
            long v = 0;
            for (int i = 2; i < 10; i++) {
                v = (v << 8) | (h.get(at + i) & 0xFF);
            }
            p = 10;
            // RFC 6455 5.2: the most significant bit of a 64-bit length MUST be 0.
            if (v < 0) {
                throw new ProtocolException(Violation.LENGTH_TOP_BIT_SET);
            }
            if (v <= 0xFFFF) {
                throw new ProtocolException(Violation.NON_MINIMAL_LENGTH);
            }
            length = v;
        } else {
            length = len7;
        }
        if (length > maxFrameSize) {
            throw new ProtocolException(Violation.FRAME_TOO_BIG);
        }
        if (peerMasks()) {
            maskKey = ((h.get(at + p) & 0xFF) << 24) | ((h.get(at + p + 1) & 0xFF) << 16)
                    | ((h.get(at + p + 2) & 0xFF) << 8) | (h.get(at + p + 3) & 0xFF);
        }
    }
}
