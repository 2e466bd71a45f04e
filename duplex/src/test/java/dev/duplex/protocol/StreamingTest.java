package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Messages delivered and sent in parts ({@link Connection#streamMessages}, {@link Connection#sendPart}). */
class StreamingTest {

    private static final Limits BIG = Limits.DEFAULTS.withMaxFrameSize(1 << 22).withMaxMessageSize(1 << 22);

    /** One message as a client sends it: its kind, bytes, and how it is cut into frames. */
    private record Sent(boolean text, byte[] bytes) {}

    /** What a streaming receiver saw: messages rebuilt from parts, plus pings, in order. */
    private static final class Seen {
        final List<String> log = new ArrayList<>();
        final List<Sent> messages = new ArrayList<>();
        ByteArrayOutputStream current;
        Boolean currentText;
        boolean sawLentView;

        void take(Connection c) {
            ProtocolEvent e;
            while ((e = c.pollEvent()) != null) {
                switch (e) {
                    case ProtocolEvent.MessagePart p -> {
                        assertThat(p.data().isReadOnly()).isTrue();
                        sawLentView |= p.data().isDirect();
                        if (p.first()) {
                            assertThat(current).as("a first part while a message is open").isNull();
                            current = new ByteArrayOutputStream();
                            currentText = p.text();
                        } else {
                            assertThat(current).as("a continuing part without a first").isNotNull();
                            assertThat(p.text()).isEqualTo(currentText);
                        }
                        ByteBuffer d = p.data().duplicate();
                        byte[] b = new byte[d.remaining()];
                        d.get(b); // read now: a lent view is gone after the next receive
                        current.write(b, 0, b.length);
                        if (p.last()) {
                            messages.add(new Sent(currentText, current.toByteArray()));
                            log.add("message " + messages.size());
                            current = null;
                        }
                    }
                    case ProtocolEvent.PingReceived p -> log.add("ping " + p.payload().remaining());
                    case ProtocolEvent.Closed cl -> log.add("closed " + cl.code().code());
                    default -> log.add(e.toString());
                }
            }
        }
    }

    private static byte[] randomText(Random r, int chars) {
        StringBuilder s = new StringBuilder();
        int[] pool = {'a', 'Z', ' ', 0xE9, 0x20AC, 0x1F600, 0x4E2D};
        for (int i = 0; i < chars; i++) {
            s.appendCodePoint(pool[r.nextInt(pool.length)]);
        }
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A client's bytes for {@code messages}, each cut into 1-4 frames, with pings between some frames. */
    private static byte[] clientBytes(Random r, List<Sent> messages, List<String> expectedLog) {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(r.nextInt()), null);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        int n = 0;
        for (Sent m : messages) {
            int frames = 1 + r.nextInt(4);
            int[] cuts = r.ints(frames - 1, 0, m.bytes.length + 1).sorted().toArray();
            int from = 0;
            for (int f = 0; f < frames; f++) {
                int to = f < cuts.length ? cuts[f] : m.bytes.length;
                client.sendPart(m.text, ByteBuffer.wrap(m.bytes, from, to - from), f == frames - 1);
                from = to;
                if (f < frames - 1 && r.nextInt(3) == 0) {
                    client.sendPing(ByteBuffer.wrap(new byte[3]));
                    expectedLog.add("ping 3");
                }
            }
            expectedLog.add("message " + ++n);
        }
        ByteBuffer b;
        while ((b = client.pollOutbound()) != null) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            wire.write(a, 0, a.length);
        }
        return wire.toByteArray();
    }

    /** Feeds {@code wire} in random chunks the way the transport does, through a direct or a heap buffer. */
    private static Seen stream(Random r, byte[] wire, boolean direct) {
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        server.streamMessages(true);
        Seen seen = new Seen();
        ByteBuffer buf = direct ? ByteBuffer.allocateDirect(70_000) : ByteBuffer.allocate(70_000);
        int at = 0;
        while (at < wire.length) {
            int n = Math.min(wire.length - at, 1 + r.nextInt(r.nextBoolean() ? 40 : 70_000));
            buf.clear();
            buf.put(wire, at, n).flip();
            at += n;
            while (buf.hasRemaining()) {
                server.receive(buf);
                seen.take(server);
            }
            // what a lent view showed must not be readable from the next read: scribble over it
            buf.clear();
            while (buf.hasRemaining()) {
                buf.put((byte) 0x5A);
            }
        }
        return seen;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void partsRebuildEveryMessageWhateverTheChunking(boolean direct) {
        for (int seed = 0; seed < 60; seed++) {
            Random r = new Random(seed);
            List<Sent> messages = new ArrayList<>();
            for (int i = 0; i < 1 + r.nextInt(6); i++) {
                int size = r.nextInt(4) == 0 ? r.nextInt(200_000) : r.nextInt(300);
                messages.add(r.nextBoolean()
                        ? new Sent(true, randomText(r, size / 3))
                        : new Sent(false, randomBytes(r, size)));
            }
            List<String> expectedLog = new ArrayList<>();
            byte[] wire = clientBytes(r, messages, expectedLog);
            Seen seen = stream(r, wire, direct);
            assertThat(seen.log).as("seed %d", seed).isEqualTo(expectedLog);
            for (int i = 0; i < messages.size(); i++) {
                assertThat(seen.messages.get(i).text).isEqualTo(messages.get(i).text);
                assertThat(seen.messages.get(i).bytes).as("seed %d message %d", seed, i).isEqualTo(messages.get(i).bytes);
            }
            if (!direct) {
                assertThat(seen.sawLentView).isFalse();
            }
        }
    }

    @Test
    void aDirectBufferIsLentNotCopied() {
        Random r = new Random(7);
        byte[] payload = randomBytes(r, 100_000);
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(0x0BADF00D), null);
        client.sendBinary(ByteBuffer.wrap(payload));
        ByteBuffer all = ByteBuffer.allocate(payload.length + 14);
        for (ByteBuffer b; (b = client.pollOutbound()) != null; ) {
            all.put(b);
        }
        byte[] wire = Arrays.copyOf(all.array(), all.position());
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        server.streamMessages(true);
        ByteBuffer buf = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        server.receive(buf);
        ProtocolEvent.MessagePart p = (ProtocolEvent.MessagePart) server.pollEvent();
        assertThat(p.data().isDirect()).isTrue();
        assertThat(p.first()).isTrue();
        // the view is the input's own memory, unmasked in place
        int headerAndMask = wire.length - payload.length;
        assertThat(buf.get(headerAndMask + 5)).isEqualTo(payload[5]);
        assertThat(p.data().get(5)).isEqualTo(payload[5]);
    }

    /** Everything {@code client} sent, fed to {@code server} buffer by buffer through direct buffers. */
    private static Seen deliver(Connection client, Connection server) {
        Seen seen = new Seen();
        ByteBuffer b;
        while ((b = client.pollOutbound()) != null) {
            ByteBuffer d = ByteBuffer.allocateDirect(b.remaining()).put(b).flip();
            while (d.hasRemaining()) {
                server.receive(d);
                seen.take(server);
            }
        }
        seen.take(server);
        return seen;
    }

    @Test
    void invalidUtf8InALaterPartFailsAfterTheEarlierPartsWereDelivered() {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(0x12345678), null);
        client.sendFrame(new Frame(false, Opcode.TEXT, ByteBuffer.wrap("héllo".getBytes(StandardCharsets.UTF_8))));
        client.sendFrame(new Frame(true, Opcode.CONTINUATION, ByteBuffer.wrap(new byte[] {'o', (byte) 0xC0, 'k'})));
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        server.streamMessages(true);
        Seen seen = deliver(client, server);
        assertThat(seen.log).containsExactly("closed 1007");
        assertThat(seen.current.toString(StandardCharsets.UTF_8)).isEqualTo("héllo");
    }

    @Test
    void aTruncatedCharacterAtTheEndOfTheLastPartIs1007() {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(1), null);
        client.sendFrame(new Frame(true, Opcode.TEXT, ByteBuffer.wrap(new byte[] {'a', (byte) 0xE2, (byte) 0x82})));
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        server.streamMessages(true);
        assertThat(deliver(client, server).log).containsExactly("closed 1007");
    }

    @Test
    void theMessageLimitStillHoldsAndIsCheckedOnTheHeader() {
        Limits small = Limits.DEFAULTS.withMaxMessageSize(1000);
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(1), null);
        client.sendPart(false, ByteBuffer.allocate(600), false);
        client.sendPart(false, ByteBuffer.allocate(600), true);
        Connection server = new Connection(Role.SERVER, small, MaskSource.fixed(0), null);
        server.streamMessages(true);
        Seen seen = deliver(client, server);
        assertThat(seen.log).containsExactly("closed 1009");
        assertThat(seen.current.size()).isEqualTo(600);
    }

    @Test
    void aCompressedMessageArrivesAsOnePartOfItsOwn() {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(3), DeflateParameters.DEFAULT);
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), DeflateParameters.DEFAULT);
        server.streamMessages(true);
        String text = "compressible ".repeat(500);
        client.sendText(text);
        client.sendText(text);
        Seen seen = new Seen();
        ByteBuffer b;
        while ((b = client.pollOutbound()) != null) {
            server.receive(ByteBuffer.allocateDirect(b.remaining()).put(b).flip());
            seen.take(server);
        }
        assertThat(seen.log).containsExactly("message 1", "message 2");
        assertThat(new String(seen.messages.get(1).bytes, StandardCharsets.UTF_8)).isEqualTo(text);
        assertThat(seen.sawLentView).isFalse();
    }

    @Test
    void withoutStreamingMessagesStayWhole() {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(3), null);
        client.sendPart(true, ByteBuffer.wrap("ab".getBytes(StandardCharsets.UTF_8)), false);
        client.sendPart(true, ByteBuffer.wrap("cd".getBytes(StandardCharsets.UTF_8)), true);
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        ByteBuffer b;
        while ((b = client.pollOutbound()) != null) {
            server.receive(ByteBuffer.allocateDirect(b.remaining()).put(b).flip());
        }
        assertThat(server.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage("abcd"));
    }

    // ---------------------------------------------------------------------------------------------
    // Sending in parts

    private static List<Frame> framesOf(Connection sender) throws ProtocolException {
        FrameDecoder d = new FrameDecoder(sender.role().peer(), BIG, true);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b;
        while ((b = sender.pollOutbound()) != null) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            all.write(a, 0, a.length);
        }
        ByteBuffer in = ByteBuffer.wrap(all.toByteArray());
        List<Frame> frames = new ArrayList<>();
        Frame f;
        while ((f = d.decode(in)) != null) {
            frames.add(f);
        }
        return frames;
    }

    private static String describe(Frame f) {
        ByteBuffer p = f.payload().duplicate();
        byte[] a = new byte[p.remaining()];
        p.get(a);
        return f.opcode() + (f.fin() ? " fin " : " ") + new String(a, StandardCharsets.ISO_8859_1);
    }

    @Test
    void partsAreFramesOfOneMessageAndWholeMessagesWaitForTheLast() throws Exception {
        Connection server = new Connection(Role.SERVER, Connection.Settings.of(BIG, MaskSource.fixed(0), DeflateParameters.DEFAULT).withCompression(0, -1));
        server.sendPart(false, ByteBuffer.wrap("one".getBytes()), false);
        server.sendText("whole");
        server.sendPing(ByteBuffer.wrap("p".getBytes()));
        assertThat(server.sendingParts()).isTrue();
        server.sendPart(false, ByteBuffer.wrap("two".getBytes()), false);
        server.sendPart(false, ByteBuffer.allocate(0), true);
        assertThat(server.sendingParts()).isFalse();
        List<String> frames = framesOf(server).stream().map(StreamingTest::describe).toList();
        assertThat(frames).hasSize(5);
        assertThat(frames.subList(0, 4)).containsExactly(
                "BINARY one", "PING fin p", "CONTINUATION two", "CONTINUATION fin ");
        assertThat(frames.get(4)).startsWith("TEXT fin "); // compressed (RSV1) whole message after the parts
    }

    @Test
    void aPartOfTheOtherKindOrBrokenTextIsRefusedAndTheMessageGoesOn() throws Exception {
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        server.sendPart(true, ByteBuffer.wrap(new byte[] {'a', (byte) 0xE2}), false); // ends inside a character
        assertThatThrownBy(() -> server.sendPart(false, ByteBuffer.allocate(1), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.sendPart(true, ByteBuffer.wrap(new byte[] {'x'}), true))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> server.sendPart(true, ByteBuffer.wrap(new byte[] {(byte) 0x82}), true))
                .as("the character is still incomplete")
                .isInstanceOf(IllegalArgumentException.class);
        server.sendPart(true, ByteBuffer.wrap(new byte[] {(byte) 0x82, (byte) 0xAC}), true); // €
        List<Frame> frames = framesOf(server);
        assertThat(frames).hasSize(2);
        ByteBuffer all = ByteBuffer.allocate(5).put(frames.get(0).payload()).put(frames.get(1).payload()).flip();
        assertThat(StandardCharsets.UTF_8.decode(all).toString()).isEqualTo("a€");
    }

    @Test
    void aLargePartWithoutCopyIsAHeaderAndTheCallersBytes() throws Exception {
        Connection server = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        ByteBuffer big = ByteBuffer.allocateDirect(50_000);
        server.sendPartWithoutCopy(false, big, true);
        ByteBuffer header = server.pollOutbound();
        ByteBuffer body = server.pollOutbound();
        assertThat(header.remaining()).isEqualTo(4);
        assertThat(body.isDirect()).isTrue();
        assertThat(body.remaining()).isEqualTo(50_000);
        assertThat(body.isReadOnly()).isTrue();
        assertThat(big.position()).isZero();
    }

    @Test
    void aClientMasksItsParts() throws Exception {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(0x01020304), null);
        client.sendPartWithoutCopy(false, ByteBuffer.wrap(new byte[20_000]), true);
        List<Frame> frames = framesOf(client);
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).payload().remaining()).isEqualTo(20_000);
        assertThat(frames.get(0).payload().get(19_999)).isZero(); // decoded (unmasked) back to zeros
    }

    // ---------------------------------------------------------------------------------------------
    // The helpers behind it

    @Test
    void validatingABufferAgreesWithValidatingAnArray() {
        Random r = new Random(11);
        for (int i = 0; i < 3000; i++) {
            byte[] b = r.nextInt(3) == 0 ? randomBytes(r, r.nextInt(40)) : randomText(r, r.nextInt(30));
            if (r.nextBoolean() && b.length > 0) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            int cut = b.length == 0 ? 0 : r.nextInt(b.length + 1);
            Utf8Validator arrays = new Utf8Validator();
            int a1 = arrays.validate(b, 0, cut);
            int a2 = a1 >= 0 ? a1 : arrays.validate(b, cut, b.length - cut);
            ByteBuffer direct = ByteBuffer.allocateDirect(b.length + 3);
            direct.position(3);
            direct.put(b);
            Utf8Validator buffers = new Utf8Validator();
            int b1 = buffers.validate(direct, 3, cut);
            int b2 = b1 >= 0 ? b1 : buffers.validate(direct, 3 + cut, b.length - cut);
            assertThat(b2 < 0 ? -1 : b2 - 3).as(Arrays.toString(b)).isEqualTo(a2);
            if (a2 < 0) {
                assertThat(buffers.isComplete()).isEqualTo(arrays.isComplete());
            }
        }
    }

    @Test
    void maskingInPlaceAgreesWithMaskingAnArrayInEitherByteOrder() {
        Random r = new Random(5);
        for (int i = 0; i < 500; i++) {
            byte[] b = randomBytes(r, r.nextInt(100));
            int key = r.nextInt();
            int phase = r.nextInt(4);
            byte[] expected = b.clone();
            Masking.mask(expected, 0, expected.length, key, phase);
            ByteBuffer d = ByteBuffer.allocateDirect(b.length + 2)
                    .order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            d.position(2);
            d.put(b);
            Masking.maskInPlace(d, 2, b.length, key, phase);
            byte[] got = new byte[b.length];
            d.get(2, got);
            assertThat(got).isEqualTo(expected);
        }
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    @Test
    void whoOwnsAPartsBytesIsInItsType() {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(7), null);
        client.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        ByteBuffer frame = client.pollOutbound();
        byte[] wire = new byte[frame.remaining()];
        frame.get(wire);

        // Fed a heap buffer: the bytes are copied out, the part owns them.
        Connection fromHeap = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        fromHeap.streamMessages(true);
        fromHeap.receive(ByteBuffer.wrap(wire.clone()));
        assertThat(fromHeap.pollEvent()).isInstanceOf(ProtocolEvent.Part.class);

        // Fed a writable direct buffer: the part lends a view of it, valid until the next receive.
        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length).put(wire).flip();
        Connection fromDirect = new Connection(Role.SERVER, BIG, MaskSource.fixed(0), null);
        fromDirect.streamMessages(true);
        fromDirect.receive(direct);
        ProtocolEvent.MessagePart lent = (ProtocolEvent.MessagePart) fromDirect.pollEvent();
        assertThat(lent).isInstanceOf(LentPart.class);
        ProtocolEvent.Part kept = lent.keep();
        for (int i = 0; i < direct.capacity(); i++) {
            direct.put(i, (byte) 0); // the caller reuses its buffer for the next read
        }
        assertThat(lent.data().get(lent.data().position())).isZero(); // the lent view saw it
        assertThat(kept.data().isReadOnly()).isTrue();
        assertThat(kept.data().duplicate().get(new byte[4]).flip()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        assertThat(kept.keep()).isSameAs(kept);
    }
}
