package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.CoreRecorder;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The defaults take a message in any number of fragments (RFC 6455 sets no bound; Autobahn's 9.3
 * and 9.4 send 4 MiB in 64-byte fragments), and a flood of fragments costs no more than a flood of
 * messages: a fragment adds nothing but its bytes, which the message size limit already bounds.
 */
class FragmentFloodTest {

    /** An empty continuation frame, masked with key 00000000 (as a client sends it). */
    private static final byte[] EMPTY_CONTINUATION = {0x00, (byte) 0x80, 0, 0, 0, 0};
    /** An empty binary message in one frame, masked the same way. */
    private static final byte[] EMPTY_MESSAGE = {(byte) 0x82, (byte) 0x80, 0, 0, 0, 0};

    @Test
    void theDefaultsHaveNoFragmentCap() {
        assertThat(Limits.DEFAULTS.maxFragments()).isEqualTo(Limits.NO_FRAGMENT_LIMIT);
        assertThat(Limits.CLIENT.maxFragments()).isEqualTo(Limits.NO_FRAGMENT_LIMIT);
    }

    @Test
    void fourMebibytesInSixtyFourByteFragmentsArriveWhole() {
        // Autobahn 9.3.1 against a server that takes 16 MiB messages (duplex echo's default).
        Limits limits = Limits.DEFAULTS.withMaxMessageSize(16 << 20).withMaxFrameSize(16 << 20);
        Connection c = new Connection(Role.SERVER, limits, MaskSource.fixed(0), null);
        int size = 4 << 20;
        int fragment = 64;
        ByteBuffer in = ByteBuffer.allocate(size / fragment * (fragment + 6));
        for (int off = 0; off < size; off += fragment) {
            in.put((byte) ((off == 0 ? 0x02 : 0x00) | (off + fragment == size ? 0x80 : 0)));
            in.put((byte) (0x80 | fragment)).putInt(0);
            for (int i = 0; i < fragment; i++) {
                in.put((byte) (off + i));
            }
        }
        feedInChunks(c, in.flip().array());
        ProtocolEvent e = c.pollEvent();
        assertThat(e).isInstanceOf(ProtocolEvent.BinaryMessage.class);
        ByteBuffer data = ((ProtocolEvent.BinaryMessage) e).data();
        byte[] got = new byte[data.remaining()];
        data.get(got);
        assertThat(got).hasSize(size);
        for (int i = 0; i < size; i += 4093) {
            assertThat(got[i]).isEqualTo((byte) i);
        }
        assertThat(c.pollEvent()).isNull();
    }

    @Test
    void aHundredThousandEmptyFragmentsThenTheLastOne() {
        Connection c = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), null);
        byte[] first = {0x01, (byte) 0x81, 0, 0, 0, 0, 'a'};
        byte[] last = {(byte) 0x80, (byte) 0x81, 0, 0, 0, 0, 'b'};
        feedInChunks(c, concat(first, repeat(EMPTY_CONTINUATION, 100_000), last));
        assertThat(CoreRecorder.events(c)).containsExactly("text ab");
    }

    @Test
    void compressedMessageInAHundredThousandEmptyFragments() {
        Connection c = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), DeflateParameters.DEFAULT);
        // "Hello" deflated (RFC 7692 7.2.3.1), its first frame RSV1, then empty continuations, then the end.
        byte[] first = {0x41, (byte) 0x87, 0, 0, 0, 0, (byte) 0xf2, 0x48, (byte) 0xcd, (byte) 0xc9, (byte) 0xc9, 0x07, 0x00};
        byte[] last = {(byte) 0x80, (byte) 0x80, 0, 0, 0, 0};
        feedInChunks(c, concat(first, repeat(EMPTY_CONTINUATION, 100_000), last));
        assertThat(CoreRecorder.events(c)).containsExactly("text Hello");
    }

    @Test
    void tinyFragmentsPastTheMessageLimitAreRefusedWith1009() {
        Limits limits = Limits.DEFAULTS.withMaxMessageSize(1000);
        Connection c = new Connection(Role.SERVER, limits, MaskSource.fixed(0), null);
        byte[] one = {0x00, (byte) 0x81, 0, 0, 0, 0, 'x'};
        feedInChunks(c, concat(new byte[] {0x01, (byte) 0x81, 0, 0, 0, 0, 'x'}, repeat(one, 5000)));
        assertThat(CoreRecorder.events(c)).containsExactly("closed 1009 unclean MESSAGE_TOO_BIG");
    }

    @Test
    void anEmptyFragmentCostsNoMoreThanAnEmptyMessage() throws Exception {
        int n = 200_000;
        byte[] fragments = concat(new byte[] {0x02, (byte) 0x80, 0, 0, 0, 0}, repeat(EMPTY_CONTINUATION, n));
        byte[] messages = repeat(EMPTY_MESSAGE, n);
        for (int warm = 0; warm < 3; warm++) { // let the JIT settle both paths first
            allocatedFeeding(fragments);
            allocatedFeeding(messages);
        }
        long perFragment = allocatedFeeding(fragments) / n;
        long perMessage = allocatedFeeding(messages) / n;
        System.out.println("fragment flood: " + perFragment + " B allocated per empty fragment, " + perMessage + " B per empty message");
        assertThat(perFragment).as("bytes allocated per empty fragment (per empty message: %d)", perMessage)
                .isLessThanOrEqualTo(perMessage);
    }

    /** Bytes this thread allocates while a server connection takes {@code input} and its events are drained. */
    private static long allocatedFeeding(byte[] input) throws Exception {
        Connection c = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), null);
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        long before = allocatedBytes();
        for (int off = 0; off < input.length; off += chunk.capacity()) {
            chunk.clear();
            chunk.put(input, off, Math.min(chunk.capacity(), input.length - off)).flip();
            c.receive(chunk);
            while (c.pollEvent() != null) {
                // dropped: the cost measured is the connection's
            }
        }
        long allocated = allocatedBytes() - before;
        assertThat(c.state()).isEqualTo(State.OPEN);
        return allocated;
    }

    private static void feedInChunks(Connection c, byte[] input) {
        for (int off = 0; off < input.length; off += 64 << 10) {
            c.receive(ByteBuffer.wrap(input, off, Math.min(64 << 10, input.length - off)));
        }
    }

    private static byte[] repeat(byte[] unit, int times) {
        byte[] out = new byte[unit.length * times];
        for (int i = 0; i < times; i++) {
            System.arraycopy(unit, 0, out, i * unit.length, unit.length);
        }
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            out.put(p);
        }
        return out.array();
    }

    private static long allocatedBytes() throws Exception {
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        return (long) m.invoke(mx);
    }
}
