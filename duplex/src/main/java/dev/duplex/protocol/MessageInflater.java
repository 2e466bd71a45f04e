package dev.duplex.protocol;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses incoming message payloads for permessage-deflate (RFC 7692 7.2.2): the compressed
 * frames of a message are inflated as they arrive, and the empty block {@code 00 00 ff ff} is appended
 * at the end of the message. The output size is checked while inflating, so a small frame cannot
 * inflate past the limit (a decompression bomb costs at most the limit plus one byte of output).
 * Accepts any window size (8–15 bits). Not thread-safe; {@link #release()} frees the native zlib stream.
 */
public final class MessageInflater {

    private static final byte[] TAIL = {0, 0, (byte) 0xFF, (byte) 0xFF};

    private final Inflater inflater = new Inflater(true);
    private final boolean noContextTakeover;
    private boolean released;

    /**
     * @param parameters the negotiated parameters
     * @param role       this side's role; the peer's {@code no_context_takeover} applies to what we inflate
     */
    public MessageInflater(DeflateParameters parameters, Role role) {
        this.noContextTakeover = parameters.noContextTakeover(role.peer());
    }

    /** Inflates compressed bytes of the current message, appending to {@code out}. */
    void inflate(byte[] in, int off, int len, MessageBuffer out, long limit) throws ProtocolException {
        if (released) {
            throw new IllegalStateException("released");
        }
        if (inflater.finished()) {
            return; // RFC 7692 7.2.3.4: data after a final block is not part of the message
        }
        inflater.setInput(in, off, len);
        drain(out, limit);
    }

    /** Ends the current message: appends the empty-block tail (RFC 7692 7.2.2) and inflates it. */
    void finish(MessageBuffer out, long limit) throws ProtocolException {
        inflate(TAIL, 0, TAIL.length, out, limit);
        if (noContextTakeover || inflater.finished()) {
            // A final block ends the DEFLATE stream; the peer starts a new one for the next message.
            inflater.reset();
        }
    }

    /** Inflates a whole message at once (for tests and tools). */
    public byte[] decompress(byte[] in, int off, int len, long limit) throws ProtocolException {
        MessageBuffer out = new MessageBuffer(Math.max(64, len * 2));
        inflate(in, off, len, out, limit);
        finish(out, limit);
        return java.util.Arrays.copyOf(out.array, out.length);
    }

    /** Ends the native stream; idempotent. */
    public void release() {
        if (!released) {
            released = true;
            inflater.end();
        }
    }

    boolean isReleased() {
        return released;
    }

    private void drain(MessageBuffer out, long limit) throws ProtocolException {
        long cap = limit == Long.MAX_VALUE ? limit : limit + 1;
        try {
            while (!inflater.finished()) {
                if (out.free() == 0) {
                    out.ensure(1, cap);
                }
                int free = out.free();
                int n = inflater.inflate(out.array, out.length, free);
                out.length += n;
                if (out.length > limit) {
                    throw new ProtocolException(Violation.DECOMPRESSED_TOO_BIG);
                }
                if (inflater.needsDictionary()) {
                    throw new ProtocolException(Violation.INVALID_COMPRESSED_DATA);
                }
                // A full output buffer may hide pending output (e.g. the rest of a match): go round again.
                if (n < free && (inflater.needsInput() || n == 0)) {
                    break;
                }
            }
        } catch (DataFormatException e) {
            throw new ProtocolException(Violation.INVALID_COMPRESSED_DATA);
        }
    }
}
