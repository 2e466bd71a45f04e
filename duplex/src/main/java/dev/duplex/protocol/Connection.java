package dev.duplex.protocol;

import dev.duplex.internal.ProtocolAccess;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * The sans-I/O WebSocket connection (RFC 6455 after the opening handshake, plus RFC 7692):
 * bytes in, events out; commands in, bytes out. No threads, no sockets, no clock.
 *
 * <p>Entry points (the shape of Python {@code websockets}' {@code Protocol}):
 * <ul>
 *   <li>{@link #receive(ByteBuffer)} / {@link #receiveEof()} — feed what the socket read;</li>
 *   <li>{@code sendText}, {@code sendBinary}, {@code sendPing}, {@code sendPong}, {@code sendClose},
 *       {@code sendFrame}, {@code sendPrepared}, {@code fail} — commands that encode frames;</li>
 *   <li>{@link #pollEvent()} — the next {@link ProtocolEvent}, or null;</li>
 *   <li>{@link #pollOutbound()} — the next buffer to write, or null;</li>
 *   <li>{@link #closeExpected()} — whether the I/O layer should arm a close timer;</li>
 *   <li>{@link #shouldCloseTransport()} — whether the I/O layer should close TCP once written;</li>
 *   <li>{@link #release()} — free the zlib streams when the connection ends.</li>
 * </ul>
 * Peer mistakes never throw out of {@code receive}: they become the right close frame plus a
 * {@link ProtocolEvent.Closed}. Caller mistakes (sending after close, invalid close code) throw
 * {@link IllegalStateException} or {@link IllegalArgumentException} at once.
 *
 * <p>Lifecycle. A connection starts {@link State#OPEN} (the transport did the opening handshake).
 * Sending a close moves it to {@link State#CLOSING}; receiving the peer's close queues the echo (if
 * ours was not sent yet) and moves it to {@link State#CLOSED} with {@code Closed(peer's code, reason,
 * wasClean=true)}: the closing handshake is complete. A violation, {@link #fail}, or
 * {@link #receiveEof()} before the handshake completed, moves it to CLOSED with {@code wasClean=false}
 * ({@code 1006} for an EOF). After the handshake the server closes TCP first
 * ({@link #shouldCloseTransport()}); the client waits for the server's TCP close
 * ({@link #closeExpected()} tells the I/O layer to arm its timer as a backstop) and its
 * {@link #receiveEof()} then adds nothing.
 *
 * <p>Not thread-safe: confined to one thread (its event loop).
 */
public final class Connection {

    /** Messages up to this size are encoded with their header into one buffer. */
    private static final int SMALL_MESSAGE = 8 * 1024;
    private static final int CONTROL_MAX = 125;
    private static final int CLOSE_REASON_MAX = CloseCode.MAX_REASON_BYTES;
    private static final int RSV1 = 0x40;

    static {
        ProtocolAccess.install(new TransportHooks());
    }

    private final Role role;
    private final Limits limits;
    private final FrameEncoder encoder;
    private final MessageDeflater deflater;
    private final MessageInflater inflater;
    private final int compressionThreshold;

    // Their arrays are made by the first item (a server holds one connection per idle socket).
    /** Made by the first event or outbound buffer: most of a server's connections sit idle. */
    private Fifo<ProtocolEvent> events;
    private Fifo<ByteBuffer> outbound;

    /** Where the closing handshake stands; the one home of every closing rule (see {@link Closing}). */
    private Closing closing = Closing.OPEN;
    /**
     * Input read but not yet taken: a violation ({@link ProtocolException}) or the peer's close
     * ({@link ProtocolEvent.CloseReceived}) that came after whole messages of the same input, taken
     * once their events are polled. Nothing is read while one is held.
     */
    private Object held;
    /** Whether a violation or the peer's close always waits for the next poll (see ProtocolAccess.holdCloseUntilPolled). */
    private boolean holdAlways;
    /** The transport is done: the peer's EOF arrived, or the connection was released. */
    private boolean ended;
    /** Whether the zlib streams were ended ({@link #release}). */
    private boolean released;

    /** Whether messages starting from now are delivered as {@link ProtocolEvent.MessagePart}s. */
    private boolean streaming;
    /** Reads the peer's frames; made by the first {@link #receive}. */
    private MessageReader reader;

    /** The message being sent in parts, if any; made by the first part. */
    private OutgoingParts parts;

    /**
     * How a connection works beyond its role, in one value.
     *
     * @param limits               what the peer may send ({@link Limits#DEFAULTS} for a server,
     *                             {@link Limits#CLIENT} for a client)
     * @param masks                masking keys for a client's frames (unused by a server)
     * @param deflate              negotiated permessage-deflate parameters, or null when not negotiated
     * @param compressionThreshold messages shorter than this many bytes are sent uncompressed
     * @param compressionLevel     zlib level for what this side compresses: -1 (zlib's default, 6)
     *                             or 0-9; 1 deflates text several times faster than 6 for a few
     *                             percent more bytes
     * @param pool                 the thread's {@link BufferPool}, reused for small frames and lent
     *                             parts (give each buffer {@link #pollOutbound()} returns back with
     *                             {@link BufferPool#recycle} once written, and handle each lent part
     *                             before the next {@link #receive} of any connection sharing the
     *                             pool), or null to allocate
     */
    public record Settings(Limits limits, MaskSource masks, DeflateParameters deflate, int compressionThreshold,
                           int compressionLevel, BufferPool pool) {

        public Settings {
            if (limits == null || masks == null) {
                throw new IllegalArgumentException("limits and masks are required");
            }
            if (compressionThreshold < 0) {
                throw new IllegalArgumentException("negative compression threshold");
            }
            MessageDeflater.checkLevel(compressionLevel);
        }

        /** Every message compressed (when deflate was negotiated) at zlib's default level, no pool. */
        public static Settings of(Limits limits, MaskSource masks, DeflateParameters deflate) {
            return new Settings(limits, masks, deflate, 0, java.util.zip.Deflater.DEFAULT_COMPRESSION, null);
        }

        public Settings withCompression(int threshold, int level) {
            return new Settings(limits, masks, deflate, threshold, level, pool);
        }

        public Settings withPool(BufferPool p) {
            return new Settings(limits, masks, deflate, compressionThreshold, compressionLevel, p);
        }
    }

    /**
     * A connection with every message compressed when permessage-deflate was negotiated: {@code
     * new Connection(role, Settings.of(limits, masks, deflate))}.
     *
     * @param deflate negotiated permessage-deflate parameters, or null when not negotiated
     */
    public Connection(Role role, Limits limits, MaskSource masks, DeflateParameters deflate) {
        this(role, Settings.of(limits, masks, deflate));
    }

    public Connection(Role role, Settings settings) {
        if (role == null || settings == null) {
            throw new IllegalArgumentException("role and settings are required");
        }
        this.role = role;
        this.limits = settings.limits();
        DeflateParameters deflate = settings.deflate();
        // The pool rides in the encoder (one per pool for a server): no field of its own here.
        this.encoder = FrameEncoder.of(role, settings.masks(), settings.pool());
        this.compressionThreshold = settings.compressionThreshold();
        this.inflater = deflate == null ? null : new MessageInflater(deflate, role);
        // java.util.zip cannot honour a window under 15 bits; the handshake declines such offers, but
        // if one got through, sending uncompressed is always allowed (RFC 7692 6: RSV1 is per message).
        this.deflater = deflate == null || deflate.maxWindowBits(role) != 15
                ? null : new MessageDeflater(deflate, role, settings.compressionLevel());
    }

    public Role role() {
        return role;
    }

    /** The ready state: OPEN, CLOSING once our close frame is out, CLOSED once the connection ended. */
    public State state() {
        return closing.state;
    }

    /** Where the closing handshake stands: who closed, and what is still owed. */
    public Closing closing() {
        return closing;
    }


    // ---------------------------------------------------------------------------------------------
    // Bytes in

    /**
     * Consumes all remaining bytes of {@code data} (copying what it keeps, so the caller may reuse the
     * buffer) — except when streaming ({@link #streamMessages}) from a writable direct buffer: then a
     * part's payload is unmasked in place and its event holds a view of {@code data}, and the call
     * returns right after that part; the caller handles the events, then calls again with the rest
     * (see {@link ProtocolEvent.MessagePart}). Never throws for anything the peer sent. Bytes after the peer's close frame, or after
     * the connection failed, are discarded (RFC 6455 5.5.1, 7.1.7).
     */
    public void receive(ByteBuffer data) {
        MessageReader r = reader;
        if (r == null) {
            reader = r = new MessageReader(this, role, limits, inflater, encoder.pool);
        }
        try {
            while (closing.readsInput() && held == null) {
                int step = r.step(data);
                if (step == MessageReader.NEED_INPUT) {
                    break;
                }
                if (step == MessageReader.LENT) {
                    return; // the part's view is into data: handled before data moves on
                }
            }
        } catch (ProtocolException e) {
            if (noEvents() && !holdAlways) {
                fail(e.closeCode(), e.getMessage(), e);
            } else {
                // Messages that arrived whole before the violation are delivered first, and what the
                // application answers to them goes out before our close (see pollEvent).
                held = e;
            }
        } catch (RuntimeException e) {
            // A bug of ours must not escape as if the caller had erred: 1011, without details.
            fail(CloseCode.INTERNAL_ERROR, "", e);
        }
        data.position(data.limit());
    }

    /**
     * The peer closed TCP. Reports {@code Closed(1006, wasClean=false)} unless the connection was
     * already closed (after a complete closing handshake, it was reported clean then).
     */
    public void receiveEof() {
        takeHeld();
        ended = true;
        if (closing.state != State.CLOSED) {
            reportClosed(Closing.TERMINATED, CloseCode.ABNORMAL_CLOSURE, "", false, null);
        }
    }

    /** MessageReader: an event for the application. */
    void event(ProtocolEvent e) {
        events().add(e);
    }

    /** MessageReader: a ping arrived; RFC 6455 5.5.2: answer with a pong carrying the same data, nothing after our close. */
    void onPing(byte[] payload) {
        events().add(new ProtocolEvent.PingReceived(ByteBuffer.wrap(payload).asReadOnlyBuffer()));
        if (!closing.closeSent) {
            outbound().add(encoder.encode(true, 0, Opcode.PONG, payload, 0, payload.length));
        }
    }

    /** MessageReader: the peer's close frame, its body checked; taken now, or held behind the messages before it. */
    void onPeerClose(CloseCode code, String reason) {
        if (noEvents() && !holdAlways) {
            acceptClose(code, reason);
        } else {
            // Messages that arrived with the close are delivered first, while the connection is
            // still open, so the application's replies to them go out before our close (see pollEvent).
            held = new ProtocolEvent.CloseReceived(code, reason);
        }
    }

    /** RFC 6455 5.5.1 and 7.1.5: the peer's close is taken; echo it unless we closed first. */
    private void acceptClose(CloseCode code, String reason) {
        events().add(new ProtocolEvent.CloseReceived(code, reason));
        // RFC 6455 5.5.1: answer with a close, typically echoing the code; we echo the reason too
        // (already checked: valid UTF-8, at most 123 bytes), as echo services are expected to.
        if (!closing.closeSent) {
            CloseCode echo = code == CloseCode.NO_STATUS_RECEIVED ? null : code;
            outbound().add(encoder.encode(Frame.close(echo, echo == null ? "" : reason)));
        }
        reportClosed(Closing.ACKNOWLEDGED, code, reason, true, null);
    }

    // ---------------------------------------------------------------------------------------------
    // Commands

    /** Sends a text message (one frame, compressed when negotiated and not under the threshold). */
    public void sendText(String text) {
        requireOpen();
        // String.getBytes is an intrinsic; a hand-written encoder straight into the frame was slower.
        // Utf8.encode turns lone surrogates into U+FFFD first (a scan that finds none in most texts).
        byte[] b = Utf8.encode(text);
        sendData(Opcode.TEXT, b, 0, b.length, true);
    }

    /** Sends the remaining bytes of {@code data} as a binary message; its position is not changed. */
    public void sendBinary(ByteBuffer data) {
        requireOpen();
        int len = data.remaining();
        if (deflater != null && len >= compressionThreshold) {
            byte[] b;
            int off;
            if (data.hasArray()) {
                b = data.array();
                off = data.arrayOffset() + data.position();
            } else {
                b = new byte[len];
                off = 0;
                data.get(data.position(), b);
            }
            sendData(Opcode.BINARY, b, off, len, false);
        } else {
            dataOut(encoder.encode(true, 0, Opcode.BINARY, data, data.position(), len));
        }
    }

    /** See {@link ProtocolAccess#sendBinaryWithoutCopy}. */
    void sendBinaryWithoutCopy(ByteBuffer data) {
        int len = data.remaining();
        if (role != Role.SERVER || len <= SMALL_MESSAGE || (deflater != null && len >= compressionThreshold)) {
            sendBinary(data);
            return;
        }
        requireOpen();
        dataOut(encoder.encodeHeader(true, 0, Opcode.BINARY, len));
        dataOut(readOnlyView(data));
    }

    /** Sends a ping with the remaining bytes of {@code data} (at most 125; position unchanged). */
    public void sendPing(ByteBuffer data) {
        sendControl(Opcode.PING, data);
    }

    /** Sends a pong (RFC 6455 5.5.3: unsolicited pongs are a heartbeat). */
    public void sendPong(ByteBuffer data) {
        sendControl(Opcode.PONG, data);
    }

    /**
     * Starts the closing handshake (RFC 6455 5.5.1, 7.1.2).
     *
     * @param code   a code this side may send, or null for a close frame with no payload
     * @param reason at most 123 UTF-8 bytes; must be empty or null when {@code code} is null
     * @throws IllegalArgumentException for an unsendable code or an oversized reason
     * @throws IllegalStateException    when a close was already sent or the connection is closed
     */
    public void sendClose(CloseCode code, String reason) {
        requireOpen();
        CloseCode.checkSendable(code, reason);
        String r = reason == null ? "" : reason;
        outbound().add(encoder.encode(Frame.close(code, r)));
        closing = Closing.CLOSED_BY_US;
    }

    /** {@link #fail(CloseCode, String, Throwable)} without a cause. */
    public void fail(CloseCode code, String reason) {
        fail(code, reason, null);
    }

    /**
     * Fails the connection (RFC 6455 7.1.7): sends a close frame with {@code code} if one may still be
     * sent and the code may go on the wire (so {@code 1006} sends nothing), then reports
     * {@code Closed(code, reason, wasClean=false, cause)}. The reason is cut to 123 UTF-8 bytes. Does
     * nothing when the connection is already closed.
     */
    public void fail(CloseCode code, String reason, Throwable cause) {
        if (closing.state == State.CLOSED) {
            return;
        }
        String r = reason == null ? "" : reason;
        boolean frame = closing.closeSent;
        if (!frame && code.isSendable()) {
            outbound().add(encoder.encode(Frame.close(code, Utf8.truncate(r, CLOSE_REASON_MAX))));
            frame = true;
        }
        reportClosed(frame ? Closing.FAILED : Closing.TERMINATED, code, r, false, cause);
    }

    /**
     * Sends a frame as it is (for fragmented sending and tests): no compression, no validation, but
     * a close frame counts as our close.
     */
    public void sendFrame(Frame frame) {
        requireOpen();
        outbound().add(encoder.encode(frame));
        if (frame.opcode() == Opcode.CLOSE) {
            closing = Closing.CLOSED_BY_US;
        }
    }

    /**
     * Sends a message encoded once for many connections: a server that does not compress it enqueues
     * a read-only duplicate of the shared frame; otherwise it is encoded for this connection.
     */
    public void sendPrepared(PreparedMessage message) {
        requireOpen();
        if (role == Role.SERVER && (deflater == null || message.length() < compressionThreshold)) {
            dataOut(message.serverFrame());
        } else {
            sendData(message.opcode(), message.payload(), 0, message.length(), false);
        }
    }

    private void sendControl(Opcode op, ByteBuffer data) {
        requireOpen();
        if (data.remaining() > CONTROL_MAX) {
            throw new IllegalArgumentException("control frame payload longer than 125 bytes");
        }
        outbound().add(encoder.encode(true, 0, op, data, data.position(), data.remaining()));
    }

    /**
     * Encodes a data message as one frame. {@code owned} means the array is ours to mask in place and
     * to hand to the transport, which saves a copy for large messages.
     */
    private void sendData(Opcode op, byte[] b, int off, int len, boolean owned) {
        if (deflater != null && len >= compressionThreshold) {
            int n = deflater.compress(b, off, len);
            dataOut(encoder.encode(true, RSV1, op, deflater.output(), 0, n));
        } else if (owned && len > SMALL_MESSAGE) {
            dataOut(encoder.encodeHeaderMaskingInPlace(true, 0, op, b, off, len));
            dataOut(ByteBuffer.wrap(b, off, len));
        } else {
            dataOut(encoder.encode(true, 0, op, b, off, len));
        }
    }

    /** Queues a whole message's buffer, behind the message being sent in parts if there is one. */
    private void dataOut(ByteBuffer b) {
        if (parts == null || !parts.inProgress()) {
            outbound().add(b);
        } else {
            parts.defer(b);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Messages in parts

    /**
     * From the next message on, delivers data as {@link ProtocolEvent.MessagePart}s instead of
     * {@code TextMessage}/{@code BinaryMessage}: an uncompressed message as its bytes arrive (one part
     * per {@link #receive} at most, so a 16 MiB message need not be held whole), a compressed one as a
     * single part once inflated. Text parts are validated as they come (the bytes seen so far are a
     * valid UTF-8 prefix; a part may end inside a character) and the last one completes it. Limits
     * are unchanged ({@link Limits#maxMessageSize()} still bounds a message).
     */
    public void streamMessages(boolean on) {
        streaming = on;
    }

    /** Whether {@link #streamMessages} is on. */
    public boolean streamsMessages() {
        return streaming;
    }

    /**
     * Sends one part of a message, as one frame: the first part (when no message is being sent in
     * parts) starts a text or binary message, the next ones continue it, {@code last} ends it. Parts
     * go uncompressed (RFC 7692 lets every message choose). Whole messages sent meanwhile wait and
     * follow the last part (RFC 6455 5.4: no interleaving); control frames do not wait. Text parts
     * must add up to valid UTF-8 (a part may end inside a character; the last may not). The bytes
     * are copied; the buffer's position is not changed.
     *
     * @throws IllegalArgumentException for a part of the other kind than the message in progress, or
     *                                  invalid UTF-8 (the message is then still in progress)
     */
    public void sendPart(boolean text, ByteBuffer data, boolean last) {
        Opcode op = startPart(text, data, last);
        outbound().add(encoder.encode(last, 0, op, data, data.position(), data.remaining()));
        endPart(last);
    }

    /** See {@link ProtocolAccess#sendPartWithoutCopy}. */
    void sendPartWithoutCopy(boolean text, ByteBuffer data, boolean last) {
        int len = data.remaining();
        if (role != Role.SERVER || len <= SMALL_MESSAGE) {
            sendPart(text, data, last);
            return;
        }
        Opcode op = startPart(text, data, last);
        outbound().add(encoder.encodeHeader(last, 0, op, len));
        BufferPool pool = encoder.pool;
        outbound().add(pool != null && pool.isWindow(data)
                ? pool.window(data.position(), len) // a lent part echoed: a window of its own on the source
                : readOnlyView(data));
        endPart(last);
    }

    /** A read-only buffer over {@code data}'s remaining bytes, whose position the output may move. */
    private static ByteBuffer readOnlyView(ByteBuffer data) {
        return data.isReadOnly() ? data.duplicate() : data.asReadOnlyBuffer();
    }

    /** Checks a part against the message in progress; returns its frame's opcode. */
    private Opcode startPart(boolean text, ByteBuffer data, boolean last) {
        requireOpen();
        if (parts == null) {
            parts = new OutgoingParts();
        }
        return parts.start(text, data, last);
    }

    private void endPart(boolean last) {
        if (last) {
            ArrayDeque<ByteBuffer> d = parts.end();
            if (d != null) {
                outbound().addAll(d);
            }
        }
    }

    /** Whether a message is being sent in parts (its last part not sent yet). */
    public boolean sendingParts() {
        return parts != null && parts.inProgress();
    }

    private void requireOpen() {
        if (closing.closeSent) {
            throw new IllegalStateException("close already sent");
        }
        if (closing != Closing.OPEN) {
            throw new IllegalStateException("connection is " + closing.state);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Events and bytes out

    /** The next event, in order, or null. {@link ProtocolEvent.Closed} is the last one. */
    public ProtocolEvent pollEvent() {
        ProtocolEvent e = (events == null ? null : events.poll());
        if (e == null && held != null) {
            takeHeld();
            e = (events == null ? null : events.poll());
        }
        return e;
    }

    /** See {@link ProtocolAccess#holdCloseUntilPolled}. */
    void holdCloseUntilPolled() {
        holdAlways = true;
    }

    /** See {@link ProtocolAccess#closeHeld}. */
    boolean closeHeld() {
        return noEvents() && held != null;
    }

    /**
     * Fails the connection for a violation that was held back until the events before it were
     * polled: the peer's last good messages are answered before the close frame, as RFC 6455 7.1.7
     * allows ("fail" may come once the frames before the bad one were processed).
     */
    private void takeHeld() {
        Object h = held;
        held = null;
        if (h instanceof ProtocolException f) {
            fail(f.closeCode(), f.getMessage(), f);
        } else if (h instanceof ProtocolEvent.CloseReceived c && closing.state != State.CLOSED) {
            acceptClose(c.code(), c.reason());
        }
    }

    /** The next buffer to write, in order, or null. */
    public ByteBuffer pollOutbound() {
        return outbound == null ? null : outbound.poll();
    }

    /** Whether buffers are waiting in {@link #pollOutbound()}. */
    public boolean hasOutbound() {
        return (outbound != null && !outbound.isEmpty());
    }

    /**
     * Whether the I/O layer should expect the peer to close and arm a timer as a backstop: after our
     * close until the peer's close arrives, and on a client after the closing handshake until the
     * server closes TCP (RFC 6455 7.1.1).
     */
    public boolean closeExpected() {
        return closing == Closing.CLOSED_BY_US || (closing.state == State.CLOSED && !shouldCloseTransport());
    }

    /**
     * Whether the I/O layer should close TCP once the outbound bytes are written: a server after the
     * closing handshake or after failing the connection (RFC 6455 7.1.1: the server closes first),
     * a client after failing without a close frame, either side after the peer's EOF. A client that
     * failed the connection with a close frame waits for the server's TCP close like after a closing
     * handshake (7.1.7 then 7.1.1), so its close frame is read and not lost to a reset.
     */
    public boolean shouldCloseTransport() {
        if (ended) {
            return true;
        }
        if (role == Role.SERVER) {
            return closing.state == State.CLOSED;
        }
        return closing == Closing.TERMINATED;
    }

    /**
     * Ends the zlib streams. Call when the connection ends; idempotent. If the connection was not
     * closed yet it is reported closed with {@code 1006}; later input is ignored.
     */
    public void release() {
        if (released) {
            return;
        }
        released = true;
        ended = true;
        if (closing.state != State.CLOSED) {
            reportClosed(Closing.TERMINATED, CloseCode.ABNORMAL_CLOSURE, "", false, null);
        }
        if (deflater != null) {
            deflater.release();
        }
        if (inflater != null) {
            inflater.release();
        }
    }

    boolean deflaterReleased() {
        return deflater == null || deflater.isReleased();
    }

    boolean inflaterReleased() {
        return inflater == null || inflater.isReleased();
    }

    /** Bytes reserved for the message being reassembled (for tests of memory use). */
    int reassemblyCapacity() {
        return reader == null ? 0 : reader.reassemblyCapacity();
    }

    boolean compresses() {
        return deflater != null;
    }

    private void reportClosed(Closing end, CloseCode code, String reason, boolean wasClean, Throwable cause) {
        closing = end;
        if (reader != null) {
            reader.abandonMessage();
        }
        events().add(new ProtocolEvent.Closed(code, reason, wasClean, cause));
    }

    private Fifo<ProtocolEvent> events() {
        Fifo<ProtocolEvent> e = events;
        return e != null ? e : (events = new Fifo<>());
    }

    private Fifo<ByteBuffer> outbound() {
        Fifo<ByteBuffer> o = outbound;
        return o != null ? o : (outbound = new Fifo<>());
    }

    private boolean noEvents() {
        return events == null || events.isEmpty();
    }
}
