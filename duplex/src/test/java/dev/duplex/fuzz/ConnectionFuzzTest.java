package dev.duplex.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import dev.duplex.protocol.BufferPool;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.DeflateParameters;
import dev.duplex.protocol.FrameDecoder;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.ProtocolException;
import dev.duplex.protocol.Role;
import dev.duplex.protocol.State;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz targets over the sans-I/O frame layer, both roles, with and without permessage-deflate.
 * Invariants checked on every input: {@code receive} never throws; no message exceeds the message
 * limit; nothing follows the {@code Closed} event; a connection that failed answers with a close frame
 * whose code is valid on the wire; and feeding the same bytes in arbitrary chunks gives exactly the
 * same events and the same outbound bytes as feeding them at once (the decoder keeps its state).
 *
 * <p>Regression mode (every build) replays {@code src/test/resources/dev/duplex/fuzz/ConnectionFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1} fuzzes (docs/hardening.md).
 */
@Tag("fuzz")
class ConnectionFuzzTest {

    /** Small limits so that limit branches are reachable by short inputs. */
    private static final Limits LIMITS = new Limits(300, 700, 6, 1024, 16);

    @FuzzTest(maxDuration = "2m")
    void server(FuzzedDataProvider data) {
        run(Role.SERVER, null, data);
    }

    @FuzzTest(maxDuration = "2m")
    void client(FuzzedDataProvider data) {
        run(Role.CLIENT, null, data);
    }

    @FuzzTest(maxDuration = "2m")
    void serverDeflate(FuzzedDataProvider data) {
        run(Role.SERVER, deflate(data), data);
    }

    @FuzzTest(maxDuration = "2m")
    void clientDeflate(FuzzedDataProvider data) {
        run(Role.CLIENT, deflate(data), data);
    }

    /**
     * A connection that delivers messages in parts ({@link Connection#streamMessages}), fed in chunks
     * through writable direct buffers (so parts are views lent from them, as on the event loop, and
     * each buffer is scribbled over once consumed), against a twin fed whole messages: the parts add
     * up to the same messages, with the same control events, close and outbound bytes.
     */
    @FuzzTest(maxDuration = "2m")
    void serverStreaming(FuzzedDataProvider data) {
        runStreaming(Role.SERVER, data.consumeBoolean() ? deflate(data) : null, data);
    }

    @FuzzTest(maxDuration = "2m")
    void clientStreaming(FuzzedDataProvider data) {
        runStreaming(Role.CLIENT, data.consumeBoolean() ? deflate(data) : null, data);
    }

    private static void runStreaming(Role role, DeflateParameters params, FuzzedDataProvider data) {
        int chunks = data.consumeInt(0, 30);
        int[] sizes = new int[chunks + 1];
        for (int i = 0; i < chunks; i++) {
            sizes[i] = data.consumeInt(0, 64);
        }
        byte[] stream = data.consumeRemainingAsBytes();
        sizes[chunks] = Integer.MAX_VALUE; // the rest
        Connection whole = new Connection(role, LIMITS, MaskSource.fixed(0x11223344), params);
        try {
            Trace b = new Trace();
            whole.receive(ByteBuffer.wrap(stream));
            b.drain(whole);
            for (boolean pooled : new boolean[] {false, true}) {
                Trace a = streamed(role, params, sizes, stream, pooled);
                check(sameEvents(a.events, b.events), "parts" + (pooled ? " (pooled)" : "")
                        + " and whole messages gave different events:\n" + a.events + "\n" + b.events);
                if (java.util.Objects.equals(a.reason, b.reason)) {
                    check(a.out.toString().contentEquals(b.out), "parts and whole messages gave different outbound bytes");
                }
            }
        } finally {
            whole.release();
        }
    }

    /**
     * Feeds {@code stream} in chunks of {@code sizes} to a streaming connection: through a new direct
     * buffer each, or ({@code pooled}) through one direct buffer that a {@link BufferPool} has as its
     * source, as the event loop's read buffer (parts are then the pool's reused window and events,
     * frames its buffers, each given back once "written").
     */
    private static Trace streamed(Role role, DeflateParameters params, int[] sizes, byte[] stream, boolean pooled) {
        ByteBuffer source = pooled ? ByteBuffer.allocateDirect(Math.max(1, stream.length)) : null;
        BufferPool pool = pooled ? new BufferPool(source) : null;
        Connection streaming = new Connection(role, Connection.Settings.of(LIMITS, MaskSource.fixed(0x11223344), params).withCompression(0, -1).withPool(pool));
        streaming.streamMessages(true);
        try {
            Trace a = new Trace();
            a.pool = pool;
            int pos = 0;
            for (int size : sizes) {
                int n = Math.min(size, stream.length - pos);
                ByteBuffer in = pooled ? source.clear().put(stream, pos, n).flip()
                        : ByteBuffer.allocateDirect(n).put(stream, pos, n).flip();
                pos += n;
                do {
                    int before = in.remaining();
                    streaming.receive(in);
                    check(in.remaining() < before || before == 0, "receive made no progress");
                    a.drain(streaming);
                } while (in.hasRemaining());
                for (int i = 0; i < n; i++) {
                    in.put(i, (byte) 0xA5); // a lent view must not be needed past the next receive
                }
            }
            if (pooled) {
                check(pool.outstanding() == 0, "pool buffers not given back: " + pool.outstanding());
            }
            return a;
        } finally {
            streaming.release();
        }
    }

    /** Whole frames through {@link FrameDecoder#decode}: only {@link ProtocolException} may escape, and lengths are bounded. */
    @FuzzTest(maxDuration = "2m")
    void frameDecoder(FuzzedDataProvider data) {
        Role role = data.consumeBoolean() ? Role.SERVER : Role.CLIENT;
        FrameDecoder decoder = new FrameDecoder(role, LIMITS, data.consumeBoolean());
        ByteBuffer in = ByteBuffer.wrap(data.consumeRemainingAsBytes());
        try {
            while (in.hasRemaining()) {
                var frame = decoder.decode(in);
                if (frame == null) {
                    break;
                }
                check(frame.payload().remaining() <= LIMITS.maxFrameSize(), "frame over the limit decoded");
            }
        } catch (ProtocolException expected) {
            check(expected.closeCode().isValidOnWire(), "violation with a code not valid on the wire");
        }
    }

    private static DeflateParameters deflate(FuzzedDataProvider data) {
        return new DeflateParameters(data.consumeBoolean(), data.consumeBoolean(),
                data.consumeInt(8, 15), data.consumeInt(8, 15));
    }

    private static void run(Role role, DeflateParameters params, FuzzedDataProvider data) {
        int threshold = data.consumeInt(0, 40);
        // Chunk sizes first, then the stream: the same bytes are fed whole to a twin connection.
        int chunks = data.consumeInt(0, 30);
        int[] sizes = new int[chunks];
        for (int i = 0; i < chunks; i++) {
            sizes[i] = data.consumeInt(0, 64);
        }
        boolean eof = data.consumeBoolean();
        byte[] stream = data.consumeRemainingAsBytes();

        Connection chunked = new Connection(role, Connection.Settings.of(LIMITS, MaskSource.fixed(0x11223344), params).withCompression(threshold, -1));
        Connection whole = new Connection(role, Connection.Settings.of(LIMITS, MaskSource.fixed(0x11223344), params).withCompression(threshold, -1));
        try {
            Trace a = new Trace();
            int pos = 0;
            for (int size : sizes) {
                int n = Math.min(size, stream.length - pos);
                chunked.receive(ByteBuffer.wrap(stream, pos, n).slice());
                pos += n;
                a.drain(chunked);
                // The application answers what it receives, as an echo server would.
                a.answer(chunked);
            }
            chunked.receive(ByteBuffer.wrap(stream, pos, stream.length - pos).slice());
            a.drain(chunked);
            a.answer(chunked);

            Trace b = new Trace();
            whole.receive(ByteBuffer.wrap(stream));
            b.drain(whole);
            b.answer(whole);

            check(sameEvents(a.events, b.events), "chunked and whole input gave different events:\n" + a.events + "\n" + b.events);
            if (!a.answered && java.util.Objects.equals(a.reason, b.reason)) {
                // Without application answers in between, the wire output must be identical too.
                check(a.out.toString().contentEquals(b.out), "chunked and whole input gave different outbound bytes");
            }
            if (eof) {
                chunked.receiveEof();
                a.drain(chunked);
                check(chunked.state() == State.CLOSED, "not closed after EOF");
            }
        } finally {
            chunked.release();
            whole.release();
        }
    }

    /**
     * Equal event lists, except that a message both invalid and too big may fail as either 1007 or
     * 1009 depending on how much of it had been inflated when each check ran.
     */
    private static boolean sameEvents(List<String> a, List<String> b) {
        if (a.equals(b)) {
            return true;
        }
        int n = a.size();
        if (n == 0 || n != b.size() || !a.subList(0, n - 1).equals(b.subList(0, n - 1))) {
            return false;
        }
        List<String> dataFailures = List.of("closed:1007:false", "closed:1009:false");
        return dataFailures.contains(a.get(n - 1)) && dataFailures.contains(b.get(n - 1));
    }

    /** What a connection produced, in comparable form. */
    private static final class Trace {
        final List<String> events = new ArrayList<>();
        final StringBuilder out = new StringBuilder();
        final List<Object> pending = new ArrayList<>();
        boolean closed;
        boolean answered;
        java.io.ByteArrayOutputStream partial;
        /** Where polled buffers go back once "written", or null. */
        BufferPool pool;
        boolean partialText;
        String reason;

        void drain(Connection c) {
            ProtocolEvent e;
            while ((e = c.pollEvent()) != null) {
                check(!closed, "event after Closed: " + e);
                switch (e) {
                    case ProtocolEvent.TextMessage t -> {
                        check(t.text().length() <= LIMITS.maxMessageSize(), "text over the message limit");
                        events.add("text:" + t.text());
                        pending.add(t.text());
                    }
                    case ProtocolEvent.BinaryMessage m -> {
                        check(m.data().remaining() <= LIMITS.maxMessageSize(), "binary over the message limit");
                        events.add("binary:" + hex(m.data()));
                        pending.add(m.data().duplicate());
                    }
                    case ProtocolEvent.PingReceived p -> events.add("ping:" + hex(p.payload()));
                    case ProtocolEvent.PongReceived p -> events.add("pong:" + hex(p.payload()));
                    case ProtocolEvent.MessagePart m -> {
                        check(c.streamsMessages(), "a part while not streaming");
                        check(m.first() == (partial == null), "a part out of order");
                        check(m.data().isReadOnly(), "a writable part");
                        if (m.first()) {
                            partial = new java.io.ByteArrayOutputStream();
                            partialText = m.text();
                        }
                        check(m.text() == partialText, "parts of two kinds in one message");
                        byte[] bytes = new byte[m.data().remaining()];
                        m.data().duplicate().get(bytes);
                        partial.writeBytes(bytes);
                        check(partial.size() <= LIMITS.maxMessageSize(), "parts over the message limit");
                        if (m.last()) {
                            byte[] all = partial.toByteArray();
                            partial = null;
                            events.add(m.text() ? "text:" + new String(all, java.nio.charset.StandardCharsets.UTF_8)
                                    : "binary:" + hex(ByteBuffer.wrap(all)));
                        }
                    }
                    case ProtocolEvent.CloseReceived r -> events.add("close:" + r.code().code() + ":" + r.reason());
                    case ProtocolEvent.Closed d -> {
                        closed = true;
                        check(c.state() == State.CLOSED, "Closed event but state " + c.state());
                        // The reason is not compared: with chunks, a corrupt deflate stream may first show as
                        // invalid UTF-8 in what inflated so far; both are 1007 (fail fast, RFC 6455 8.1).
                        events.add("closed:" + d.code().code() + ":" + d.wasClean());
                        reason = d.reason();
                    }
                }
            }
            ByteBuffer b;
            while ((b = c.pollOutbound()) != null) {
                out.append(hex(b));
                if (pool != null) {
                    pool.recycle(b);
                }
            }
        }

        /** Echoes every message received while the connection is open; the core must take it or refuse cleanly. */
        void answer(Connection c) {
            for (Object m : pending) {
                if (c.state() != State.OPEN) {
                    break;
                }
                answered = true;
                if (m instanceof String s) {
                    c.sendText(s);
                } else {
                    c.sendBinary((ByteBuffer) m);
                }
            }
            pending.clear();
            ByteBuffer b;
            while ((b = c.pollOutbound()) != null) {
                b.position(b.limit());
            }
        }
    }

    private static String hex(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        StringBuilder sb = new StringBuilder();
        while (d.hasRemaining()) {
            int v = d.get() & 0xFF;
            sb.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xF, 16));
        }
        return sb.toString();
    }

    static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
