package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One WebSocket frame (RFC 6455 5.2) without its masking key: masking is applied by the
 * {@link FrameEncoder} according to the sender's role. The payload is a read-only view.
 */
public record Frame(boolean fin, boolean rsv1, boolean rsv2, boolean rsv3, Opcode opcode, ByteBuffer payload) {

    public Frame {
        if (opcode == null) {
            throw new IllegalArgumentException("opcode is null");
        }
        payload = payload == null ? ByteBuffer.allocate(0).asReadOnlyBuffer() : payload.asReadOnlyBuffer();
    }

    /** A frame with no reserved bits set. */
    public Frame(boolean fin, Opcode opcode, ByteBuffer payload) {
        this(fin, false, false, false, opcode, payload);
    }

    public static Frame text(String text, boolean fin) {
        return new Frame(fin, Opcode.TEXT, utf8(text));
    }

    public static Frame binary(ByteBuffer data, boolean fin) {
        return new Frame(fin, Opcode.BINARY, data);
    }

    public static Frame continuation(ByteBuffer data, boolean fin) {
        return new Frame(fin, Opcode.CONTINUATION, data);
    }

    public static Frame ping(ByteBuffer data) {
        return new Frame(true, Opcode.PING, data);
    }

    public static Frame pong(ByteBuffer data) {
        return new Frame(true, Opcode.PONG, data);
    }

    /** A close frame (RFC 6455 5.5.1); a null code gives an empty payload. No validation. */
    public static Frame close(CloseCode code, String reason) {
        return new Frame(true, Opcode.CLOSE, closePayload(code, reason));
    }

    /** The number of payload bytes. */
    public int length() {
        return payload.remaining();
    }

    /** The payload as a fresh array. */
    public byte[] payloadBytes() {
        byte[] b = new byte[payload.remaining()];
        payload.duplicate().get(b);
        return b;
    }

    static ByteBuffer closePayload(CloseCode code, String reason) {
        if (code == null) {
            return ByteBuffer.allocate(0);
        }
        byte[] r = reason == null ? new byte[0] : Utf8.encode(reason);
        ByteBuffer b = ByteBuffer.allocate(2 + r.length);
        b.putShort((short) code.code()).put(r).flip();
        return b;
    }

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(Utf8.encode(s));
    }

    @Override
    public String toString() {
        return "Frame[" + opcode + (fin ? " fin" : "") + (rsv1 ? " rsv1" : "") + (rsv2 ? " rsv2" : "")
                + (rsv3 ? " rsv3" : "") + " len=" + payload.remaining() + "]";
    }
}
