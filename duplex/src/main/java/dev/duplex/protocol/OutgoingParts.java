package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The message a connection is sending in parts ({@link Connection#sendPart}): its kind, the UTF-8
 * validity of its text across parts (a part may end inside a character, the last may not), and the
 * whole messages sent meanwhile, which wait for its last part (RFC 6455 5.4: no interleaving). Made
 * by a connection's first part. Not thread-safe, like its connection.
 */
final class OutgoingParts {

    /** The kind of the message in progress, or null between messages. */
    private Opcode kind;
    /** Whole messages sent while this one goes out: they follow its last part. */
    private ArrayDeque<ByteBuffer> deferred;
    private Utf8Validator utf8;

    /** Whether a message is in progress (its last part not sent yet). */
    boolean inProgress() {
        return kind != null;
    }

    /**
     * Checks the next part against the message in progress and returns its frame's opcode (TEXT or
     * BINARY for the first part, CONTINUATION after).
     *
     * @throws IllegalArgumentException for a part of the other kind, or text that does not continue
     *                                  valid UTF-8 (the message is then still in progress, as it was)
     */
    Opcode start(boolean text, ByteBuffer data, boolean last) {
        Opcode k = text ? Opcode.TEXT : Opcode.BINARY;
        if (kind != null && kind != k) {
            throw new IllegalArgumentException("a " + k + " part inside a " + kind + " message");
        }
        if (text) {
            if (utf8 == null) {
                utf8 = new Utf8Validator();
            }
            if (kind == null) {
                utf8.reset();
            }
            int before = utf8.snapshot();
            if (utf8.validate(data, data.position(), data.remaining()) >= 0 || (last && !utf8.isComplete())) {
                utf8.restore(before);
                throw new IllegalArgumentException("text parts must add up to valid UTF-8");
            }
        }
        Opcode op = kind == null ? k : Opcode.CONTINUATION;
        kind = k;
        return op;
    }

    /** A whole message's buffer sent while a message is in progress: it waits for the last part. */
    void defer(ByteBuffer b) {
        if (deferred == null) {
            deferred = new ArrayDeque<>(2);
        }
        deferred.add(b);
    }

    /** The part just sent was the last: the message ends; returns the buffers that waited for it, or null. */
    ArrayDeque<ByteBuffer> end() {
        kind = null;
        ArrayDeque<ByteBuffer> d = deferred;
        deferred = null;
        return d;
    }
}
