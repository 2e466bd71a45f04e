package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Connections that reuse a {@link BufferPool}'s frames, windows and part events (issue 7). */
class BufferPoolTest {

    private static final Limits BIG = Limits.DEFAULTS.withMaxFrameSize(1 << 22).withMaxMessageSize(1 << 22);

    private record Msg(boolean text, byte[] bytes) {}

    /** The client's frames for {@code messages}, in one direct buffer as one socket read brings them. */
    private static ByteBuffer wire(List<Msg> messages) {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(0x5a17c0de), null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Msg m : messages) {
            if (m.text()) {
                client.sendText(new String(m.bytes(), StandardCharsets.UTF_8));
            } else {
                client.sendBinary(ByteBuffer.wrap(m.bytes()));
            }
        }
        for (ByteBuffer b; (b = client.pollOutbound()) != null; ) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
        }
        byte[] all = out.toByteArray();
        return ByteBuffer.allocateDirect(all.length + 100).put(all).flip();
    }

    /** What a client makes of {@code bytes} from the server. */
    private static List<Msg> read(byte[] bytes) {
        Connection client = new Connection(Role.CLIENT, BIG, MaskSource.fixed(1), null);
        client.receive(ByteBuffer.wrap(bytes));
        List<Msg> got = new ArrayList<>();
        for (ProtocolEvent e; (e = client.pollEvent()) != null; ) {
            switch (e) {
                case ProtocolEvent.TextMessage t -> got.add(new Msg(true, t.text().getBytes(StandardCharsets.UTF_8)));
                case ProtocolEvent.BinaryMessage b -> {
                    byte[] a = new byte[b.data().remaining()];
                    b.data().duplicate().get(a);
                    got.add(new Msg(false, a));
                }
                default -> throw new AssertionError(e);
            }
        }
        return got;
    }

    private static byte[] random(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void partsOfSeveralMessagesInOneReadAreEchoedIntactWhileTheirWindowsStayQueued() {
        List<Msg> sent = List.of(new Msg(false, random(32, 1)), new Msg(false, random(20_000, 2)),
                new Msg(true, "héllo wörld".repeat(1500).getBytes(StandardCharsets.UTF_8)),
                new Msg(false, random(10_000, 3)), new Msg(false, new byte[0]), new Msg(true, "x".getBytes()));
        ByteBuffer in = wire(sent);
        BufferPool pool = new BufferPool(in);
        Connection server = new Connection(Role.SERVER, Connection.Settings.of(BIG, MaskSource.fixed(0), null).withCompression(0, -1).withPool(pool));
        server.streamMessages(true);
        List<ProtocolEvent.MessagePart> events = new ArrayList<>();
        while (in.hasRemaining()) {
            server.receive(in);
            for (ProtocolEvent e; (e = server.pollEvent()) != null; ) {
                ProtocolEvent.MessagePart p = (ProtocolEvent.MessagePart) e;
                assertThat(p.data().isReadOnly()).isTrue();
                events.add(p);
                // echoed at once; nothing is written (polled) until the whole read was handled
                server.sendPartWithoutCopy(p.text(), p.data(), p.last());
            }
        }
        assertThat(events).hasSize(sent.size());
        // the pool's objects: one event per kind of part, one window for all, not at index 0
        assertThat(events.get(0)).isSameAs(events.get(1)).isSameAs(events.get(3));
        assertThat(events.get(2).data()).isSameAs(events.get(0).data());
        assertThat(events.get(1).data().position()).isPositive();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b; (b = server.pollOutbound()) != null; ) {
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.writeBytes(a);
            pool.recycle(b);
        }
        List<Msg> echoed = read(out.toByteArray());
        assertThat(echoed).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            assertThat(echoed.get(i).text()).isEqualTo(sent.get(i).text());
            assertThat(echoed.get(i).bytes()).as("message %d", i).isEqualTo(sent.get(i).bytes());
        }
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void aFrameIsReusedOnlyOnceItWasGivenBack() {
        BufferPool pool = new BufferPool(null);
        Connection server = new Connection(Role.SERVER, Connection.Settings.of(BIG, MaskSource.fixed(0), null).withCompression(0, -1).withPool(pool));
        server.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        server.sendBinary(ByteBuffer.wrap(new byte[] {4, 5, 6}));
        ByteBuffer first = server.pollOutbound();
        ByteBuffer second = server.pollOutbound();
        assertThat(first).isNotSameAs(second);
        // not given back: the next frames are others, and the first ones keep their bytes
        server.sendBinary(ByteBuffer.wrap(new byte[] {7, 8, 9}));
        ByteBuffer third = server.pollOutbound();
        assertThat(third).isNotSameAs(first).isNotSameAs(second);
        assertThat(bytes(first)).containsExactly(0x82, 3, 1, 2, 3);
        assertThat(bytes(second)).containsExactly(0x82, 3, 4, 5, 6);
        assertThat(bytes(third)).containsExactly(0x82, 3, 7, 8, 9);
        assertThat(pool.outstanding()).isEqualTo(3);

        pool.recycle(first);
        pool.recycle(ByteBuffer.wrap(new byte[16])); // not the pool's: ignored
        server.sendPing(ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer ping = server.pollOutbound();
        assertThat(ping).isSameAs(first);
        assertThat(bytes(ping)).containsExactly(0x89, 1, 42);
        assertThat(bytes(second)).containsExactly(0x82, 3, 4, 5, 6);
        pool.recycle(ping);
        pool.recycle(second);
        pool.recycle(third);
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void pastWhatThePoolKeepsFramesAreAllocatedAndStillCorrect() {
        BufferPool pool = new BufferPool(null);
        Connection server = new Connection(Role.SERVER, Connection.Settings.of(BIG, MaskSource.fixed(0), null).withCompression(0, -1).withPool(pool));
        List<ByteBuffer> held = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            server.sendBinary(ByteBuffer.wrap(new byte[] {(byte) i}));
            held.add(server.pollOutbound());
        }
        for (int i = 0; i < 300; i++) {
            assertThat(bytes(held.get(i))).containsExactly(0x82, 1, i & 0xFF);
        }
        held.forEach(pool::recycle);
        assertThat(pool.outstanding()).isZero();
    }

    @Test
    void partsLentFromAnotherBufferThanTheSourceAreSlicesOfTheirOwn() {
        ByteBuffer in = wire(List.of(new Msg(false, random(100, 4)), new Msg(false, random(100, 5))));
        BufferPool pool = new BufferPool(ByteBuffer.allocateDirect(16));
        Connection server = new Connection(Role.SERVER, Connection.Settings.of(BIG, MaskSource.fixed(0), null).withCompression(0, -1).withPool(pool));
        server.streamMessages(true);
        server.receive(in);
        ProtocolEvent.MessagePart a = (ProtocolEvent.MessagePart) server.pollEvent();
        server.receive(in);
        ProtocolEvent.MessagePart b = (ProtocolEvent.MessagePart) server.pollEvent();
        assertThat(a).isNotSameAs(b);
        assertThat(a.data().position()).isZero();
        assertThat(bytes(a.data())).isEqualTo(unsigned(random(100, 4)));
    }

    private static int[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        int[] r = new int[d.remaining()];
        for (int i = 0; i < r.length; i++) {
            r[i] = d.get() & 0xFF;
        }
        return r;
    }

    private static int[] unsigned(byte[] b) {
        int[] r = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            r[i] = b[i] & 0xFF;
        }
        return r;
    }
}
