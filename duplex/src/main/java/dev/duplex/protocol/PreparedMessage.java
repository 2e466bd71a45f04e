package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message encoded once for sending to many connections (a broadcast; gorilla's
 * {@code PreparedMessage}). The unmasked, uncompressed server frame is built at construction and
 * shared read-only: {@link Connection#sendPrepared} enqueues a {@code duplicate()} of it when it can,
 * and encodes the payload for the connection otherwise (client masking, compression). Immutable and
 * safe to share between threads.
 */
public final class PreparedMessage {

    private final Opcode opcode;
    private final byte[] payload;
    private final ByteBuffer serverFrame;

    private PreparedMessage(Opcode opcode, byte[] payload) {
        this.opcode = opcode;
        this.payload = payload;
        byte[] frame = new byte[FrameEncoder.headerSize(payload.length, false) + payload.length];
        int p = FrameEncoder.writeHeader(frame, true, 0, opcode, payload.length, false, 0);
        System.arraycopy(payload, 0, frame, p, payload.length);
        this.serverFrame = ByteBuffer.wrap(frame).asReadOnlyBuffer();
    }

    /** A text message. */
    public static PreparedMessage text(String text) {
        return new PreparedMessage(Opcode.TEXT, Utf8.encode(text));
    }

    /** A binary message with the remaining bytes of {@code data} (copied; its position is unchanged). */
    public static PreparedMessage binary(ByteBuffer data) {
        byte[] b = new byte[data.remaining()];
        data.get(data.position(), b);
        return new PreparedMessage(Opcode.BINARY, b);
    }

    public Opcode opcode() {
        return opcode;
    }

    /** Payload length in bytes. */
    public int length() {
        return payload.length;
    }

    /** A fresh read-only view of the encoded server frame (FIN, no mask, no compression). */
    public ByteBuffer serverFrame() {
        return serverFrame.duplicate();
    }

    /** The payload; shared, never to be modified. */
    byte[] payload() {
        return payload;
    }
}
