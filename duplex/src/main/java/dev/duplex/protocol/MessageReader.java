package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns a peer's frames into messages, message parts and control frames, applying every rule of
 * the receiving side: the frame and message limits, fragmentation (RFC 6455 5.4), UTF-8 (8.1),
 * inflation (RFC 7692) and close frame bodies (5.5.1, 7.4). What it reads goes to its
 * {@link Connection} (events, the ping to answer, the peer's close), which owns the closing
 * handshake and decides whether reading goes on. Made by the connection's first receive: a server's
 * idle sockets may never read a byte after the upgrade. Not thread-safe, like its connection.
 */
final class MessageReader {

    /** A reassembly buffer larger than this is not kept for the next message. */
    private static final int REUSE_LIMIT = 64 * 1024;
    private static final int CONTROL_MAX = 125;
    /** Most bytes reserved for a frame before they arrive. */
    private static final int PREALLOCATE = 64 * 1024;
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    /** {@link #step}: a frame ended; read on. */
    static final int FRAME_DONE = 0;
    /** {@link #step}: the input ran out inside a frame (or before a header). */
    static final int NEED_INPUT = 1;
    /** {@link #step}: a part lent a view of the input: the caller handles it before reading on. */
    static final int LENT = 2;

    private final Connection owner;
    private final Limits limits;
    private final FrameDecoder decoder;
    private final MessageInflater inflater;
    /** The thread's pool, or null: parts lent from its source are its reused objects. */
    private final BufferPool pool;

    /** Whether the decoder's current frame has been started (its header handled). */
    private boolean frameStarted;
    /** Whether the message in progress is delivered as parts ({@code messageStreamed}: as it arrives). */
    private boolean messageAsParts;
    private boolean messageStreamed;
    /** Bytes of the streamed message so far, and whether its first part is still to come. */
    private long streamedLength;
    private boolean firstPart;

    // The data message being reassembled; messageOpcode is null between messages.
    private Opcode messageOpcode;
    private boolean messageCompressed;
    private int fragments;
    private MessageBuffer message;
    private MessageBuffer textBuffer;
    /** Made by the first text message. */
    private Utf8Validator utf8;
    private byte[] compressedChunk;

    // The control frame being read (RFC 6455 5.5: at most 125 bytes, may arrive between fragments);
    // made for the first control frame.
    private byte[] control;
    private int controlLength;

    MessageReader(Connection owner, Role role, Limits limits, MessageInflater inflater, BufferPool pool) {
        this.owner = owner;
        this.limits = limits;
        this.decoder = new FrameDecoder(role, limits, inflater != null);
        this.inflater = inflater;
        this.pool = pool;
    }

    /**
     * Reads at most one frame's worth of {@code data}: {@link #FRAME_DONE} when a frame ended,
     * {@link #NEED_INPUT} when the input ran out, {@link #LENT} when a part lent a view of it.
     */
    int step(ByteBuffer data) throws ProtocolException {
        if (!decoder.readHeader(data)) {
            return NEED_INPUT;
        }
        if (!frameStarted) {
            startFrame(data.remaining());
            frameStarted = true;
        }
        if (messageStreamed && !decoder.opcode().isControl()) {
            boolean lent = streamPayload(data);
            if (!decoder.payloadComplete()) {
                return NEED_INPUT;
            }
            decoder.endFrame();
            frameStarted = false;
            if (decoder.fin()) {
                messageOpcode = null;
                messageStreamed = false;
            }
            return lent ? LENT : FRAME_DONE;
        }
        readPayload(data);
        if (!decoder.payloadComplete()) {
            return NEED_INPUT;
        }
        decoder.endFrame();
        frameStarted = false;
        endFrame();
        return FRAME_DONE;
    }

    /** The connection closed: the message in progress is dropped. */
    void abandonMessage() {
        messageOpcode = null;
        message = null;
        messageStreamed = false;
    }

    /** Bytes reserved for the message being reassembled (for tests of memory use). */
    int reassemblyCapacity() {
        return message == null ? 0 : message.array.length;
    }

    /** Applies the message-level rules to a new frame header; {@code available} bytes are at hand. */
    private void startFrame(int available) throws ProtocolException {
        Opcode op = decoder.opcode();
        long len = decoder.length();
        if (op.isControl()) {
            controlLength = 0;
            if (control == null) {
                control = new byte[CONTROL_MAX];
            }
            return;
        }
        if (op == Opcode.CONTINUATION) {
            // RFC 6455 5.4: a continuation needs a message in progress.
            if (messageOpcode == null) {
                throw new ProtocolException(Violation.UNEXPECTED_CONTINUATION);
            }
            // RFC 7692 6.1: RSV1 is set on the first frame of a message only.
            if (decoder.rsv1()) {
                throw new ProtocolException(Violation.RSV1_ON_CONTINUATION);
            }
            if (limits.maxFragments() != Limits.NO_FRAGMENT_LIMIT && ++fragments > limits.maxFragments()) {
                throw new ProtocolException(Violation.TOO_MANY_FRAGMENTS);
            }
        } else if (messageOpcode != null) {
            // RFC 6455 5.4: fragments of one message are not interleaved with another.
            throw new ProtocolException(Violation.EXPECTED_CONTINUATION);
        }
        long before = op != Opcode.CONTINUATION ? 0 : messageStreamed ? streamedLength : message.length;
        boolean compressed = op == Opcode.CONTINUATION ? messageCompressed : decoder.rsv1();
        // Checked on the header, before any of the payload is buffered.
        if (!compressed && (before + len > limits.maxMessageSize() || before + len > MAX_ARRAY)) {
            throw new ProtocolException(Violation.MESSAGE_TOO_BIG);
        }
        if (op != Opcode.CONTINUATION) {
            messageOpcode = op;
            messageCompressed = compressed;
            fragments = 1;
            startUtf8(op);
            messageAsParts = owner.streamsMessages();
            messageStreamed = messageAsParts && !compressed;
            if (messageStreamed) {
                streamedLength = 0;
                firstPart = true;
            } else {
                message = newMessageBuffer(op, len, available);
            }
        }
        if (compressed && compressedChunk == null) {
            compressedChunk = new byte[16 * 1024];
        }
    }

    /**
     * A buffer for a new message. Text reuses one buffer. A binary message's array is handed to its
     * event, so a single frame whose bytes are all at hand gets an exact array. Nothing is allocated
     * up front for bytes that have not arrived beyond {@link #PREALLOCATE}: a peer announcing a large
     * frame does not make us reserve it.
     */
    private MessageBuffer newMessageBuffer(Opcode op, long frameLength, int available) {
        int first = (int) Math.min(frameLength, PREALLOCATE);
        if (op == Opcode.TEXT && !messageAsParts) {
            if (textBuffer == null) {
                textBuffer = new MessageBuffer(Math.max(256, first));
            }
            textBuffer.length = 0;
            return textBuffer;
        }
        if (decoder.rsv1()) {
            // Compressed: the output is larger than the input; start at twice it, within the limit.
            long cap = Math.min(limits.maxMessageSize(), MAX_ARRAY - 1) + 1;
            return new MessageBuffer((int) Math.min(Math.max(256, 2L * first), cap));
        }
        if (decoder.fin() && frameLength <= Math.max(available, PREALLOCATE)) {
            return new MessageBuffer((int) frameLength);
        }
        return new MessageBuffer(Math.max(256, first));
    }

    /**
     * Hands what is at hand of the current frame's payload to a part event: from a writable direct
     * buffer unmasked in place and lent as a view, else copied. A frame's empty middle yields nothing;
     * the end of the message always yields a part (empty if need be), so the last part is marked.
     *
     * @return whether a view of {@code data} was lent (the caller must return before reading on)
     */
    private boolean streamPayload(ByteBuffer data) throws ProtocolException {
        long remaining = decoder.payloadRemaining();
        int n = (int) Math.min(remaining, data.remaining());
        boolean last = decoder.fin() && n == remaining;
        if (n == 0 && !last) {
            return false;
        }
        boolean lend = data.isDirect() && !data.isReadOnly();
        boolean text = messageOpcode == Opcode.TEXT;
        ProtocolEvent.MessagePart part;
        if (lend && pool != null && data == pool.source()) {
            // The pool's window and event objects, the same for every part: valid until the next receive.
            int pos = data.position();
            decoder.unmaskInPlace(data, n);
            validatePart(text, data, pos, n, last);
            part = pool.lend(pos, n, text, firstPart, last);
        } else if (lend) {
            // A view of the caller's buffer, unmasked in place: valid until the next receive.
            int pos = data.position();
            decoder.unmaskInPlace(data, n);
            ByteBuffer view = data.slice(pos, n).asReadOnlyBuffer(); // index 0 is the part's first byte
            validatePart(text, view, 0, n, last);
            part = new LentPart(text, view, firstPart, last, null);
        } else {
            byte[] copy = new byte[n];
            decoder.readPayload(data, copy, 0, n);
            ByteBuffer view = ByteBuffer.wrap(copy).asReadOnlyBuffer();
            validatePart(text, view, 0, n, last);
            part = new ProtocolEvent.Part(text, view, firstPart, last);
        }
        streamedLength += n;
        owner.event(part);
        firstPart = false;
        return lend;
    }

    /** RFC 6455 8.1 for a streamed text part: its bytes continue valid UTF-8, the last one completes it. */
    private void validatePart(boolean text, ByteBuffer b, int index, int n, boolean last) throws ProtocolException {
        if (text && (utf8.validate(b, index, n) >= 0 || (last && !utf8.isComplete()))) {
            throw new ProtocolException(Violation.INVALID_UTF8);
        }
    }

    private void readPayload(ByteBuffer data) throws ProtocolException {
        if (decoder.opcode().isControl()) {
            controlLength += decoder.readPayload(data, control, controlLength, CONTROL_MAX - controlLength);
            return;
        }
        if (!messageCompressed) {
            // Grow with what has arrived (the total was checked against the limit on the header).
            long arrived = Math.min(decoder.payloadRemaining(), data.remaining());
            long frameEnd = message.length + decoder.payloadRemaining();
            if (decoder.fin() && message.length + arrived > message.array.length && frameEnd <= 8 * (message.length + arrived)) {
                // An eighth of the last frame is here: believe its length and size the array once,
                // rather than doubling up to it (which copies the message once more).
                message.growTo((int) frameEnd);
            } else {
                message.ensure(arrived, limits.maxMessageSize());
            }
            int start = message.length;
            int n = decoder.readPayload(data, message.array, start, message.free());
            message.length += n;
            if (messageOpcode == Opcode.TEXT) {
                validateText(start);
            }
            return;
        }
        while (data.hasRemaining() && decoder.payloadRemaining() > 0) {
            int n = decoder.readPayload(data, compressedChunk, 0, compressedChunk.length);
            int start = message.length;
            try {
                inflater.inflate(compressedChunk, 0, n, message, limits.maxMessageSize());
            } finally {
                validateInflated(start);
            }
        }
    }

    /**
     * Validates text that was just inflated, also when inflating failed: an invalid byte inflated
     * before the point where the message passed its limit is reported (1007) however the input was
     * chunked, so the outcome does not depend on how much was inflated at once.
     */
    private void validateInflated(int start) throws ProtocolException {
        if (messageOpcode == Opcode.TEXT && message.length > start) {
            validateText(start);
        }
    }

    /** A text message starts: its UTF-8 is checked from a clean state. */
    private void startUtf8(Opcode op) {
        if (op != Opcode.TEXT) {
            return;
        }
        if (utf8 == null) {
            utf8 = new Utf8Validator();
        } else {
            utf8.reset();
        }
    }

    /** RFC 6455 8.1: fail at the first invalid byte, not at the end of the message. */
    private void validateText(int start) throws ProtocolException {
        if (utf8.validate(message.array, start, message.length - start) >= 0) {
            throw new ProtocolException(Violation.INVALID_UTF8);
        }
    }

    private void endFrame() throws ProtocolException {
        Opcode op = decoder.opcode();
        if (op.isControl()) {
            endControlFrame(op);
        } else if (decoder.fin()) {
            endMessage();
        }
    }

    private void endMessage() throws ProtocolException {
        if (messageCompressed) {
            int start = message.length;
            try {
                inflater.finish(message, limits.maxMessageSize());
            } finally {
                validateInflated(start);
            }
        }
        if (messageOpcode == Opcode.TEXT && !utf8.isComplete()) {
            throw new ProtocolException(Violation.INVALID_UTF8);
        }
        if (messageAsParts) {
            // A compressed message, inflated whole: one part, in an array of its own.
            owner.event(new ProtocolEvent.Part(messageOpcode == Opcode.TEXT,
                    ByteBuffer.wrap(message.array, 0, message.length).asReadOnlyBuffer(), true, true));
        } else if (messageOpcode == Opcode.TEXT) {
            owner.event(new ProtocolEvent.TextMessage(
                    new String(message.array, 0, message.length, StandardCharsets.UTF_8)));
            if (textBuffer.array.length > REUSE_LIMIT) {
                textBuffer = null;
            }
        } else {
            owner.event(new ProtocolEvent.BinaryMessage(
                    ByteBuffer.wrap(message.array, 0, message.length).asReadOnlyBuffer()));
        }
        messageOpcode = null;
        message = null;
    }

    private void endControlFrame(Opcode op) throws ProtocolException {
        switch (op) {
            case PING -> {
                owner.onPing(Arrays.copyOf(control, controlLength));
            }
            case PONG -> {
                // RFC 6455 5.5.3: a pong may be unsolicited; it needs no answer.
                byte[] p = Arrays.copyOf(control, controlLength);
                owner.event(new ProtocolEvent.PongReceived(ByteBuffer.wrap(p).asReadOnlyBuffer()));
            }
            case CLOSE -> receiveClose();
            default -> throw new AssertionError(op);
        }
    }

    private void receiveClose() throws ProtocolException {
        CloseCode code;
        String reason;
        if (controlLength == 0) {
            code = CloseCode.NO_STATUS_RECEIVED;
            reason = "";
        } else if (controlLength == 1) {
            // RFC 6455 5.5.1: a body, if any, starts with a 2-byte code.
            throw new ProtocolException(Violation.CLOSE_PAYLOAD_ONE_BYTE);
        } else {
            code = CloseCode.of(((control[0] & 0xFF) << 8) | (control[1] & 0xFF));
            // RFC 6455 7.4: only defined and registered codes may be received.
            if (!code.isValidOnWire()) {
                throw new ProtocolException(Violation.INVALID_CLOSE_CODE);
            }
            // RFC 6455 5.5.1: the reason is UTF-8.
            if (!Utf8Validator.isValid(control, 2, controlLength - 2)) {
                throw new ProtocolException(Violation.INVALID_CLOSE_REASON);
            }
            reason = new String(control, 2, controlLength - 2, StandardCharsets.UTF_8);
        }
        owner.onPeerClose(code, reason);
    }

}
