package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 6455 5.2 encoding, and round trips encode → decode in both roles (what is encoded decodes to the same frame). */
class FrameEncoderTest {

    private static final int RFC_KEY = 0x37fa213d;

    /** decode(hex) equals frame, and encode(frame) with the pinned mask equals hex. */
    static void assertFrameBytes(Frame frame, String hex, Role sender, int mask) {
        FrameEncoder e = new FrameEncoder(sender, MaskSource.fixed(mask));
        assertThat(Hex.of(e.encode(frame))).isEqualTo(hex.replace(" ", ""));
        assertThat(FrameDecoderTest.only(sender.peer(), hex)).isEqualTo(frame);
    }

    @Test
    void rfcExamples() {
        // RFC 6455 5.7.
        assertFrameBytes(Frame.text("Hello", true), "810548656c6c6f", Role.SERVER, 0);
        assertFrameBytes(Frame.text("Hello", true), "818537fa213d7f9f4d5158", Role.CLIENT, RFC_KEY);
        assertFrameBytes(Frame.text("Hel", false), "010348656c", Role.SERVER, 0);
        assertFrameBytes(Frame.continuation(ascii("lo"), true), "80026c6f", Role.SERVER, 0);
        assertFrameBytes(Frame.ping(ascii("Hello")), "890548656c6c6f", Role.SERVER, 0);
        assertFrameBytes(Frame.pong(ascii("Hello")), "8a8537fa213d7f9f4d5158", Role.CLIENT, RFC_KEY);
    }

    @Test
    void rfc256And64KiBBinaryHeaders() {
        FrameEncoder e = new FrameEncoder(Role.SERVER, MaskSource.fixed(0));
        ByteBuffer b256 = e.encode(Frame.binary(ByteBuffer.allocate(256), true));
        assertThat(Hex.of(b256.slice(0, 4))).isEqualTo("827e0100");
        ByteBuffer b64k = e.encode(Frame.binary(ByteBuffer.allocate(65536), true));
        assertThat(Hex.of(b64k.slice(0, 10))).isEqualTo("827f0000000000010000");
    }

    @Test
    void closeFrames() {
        assertFrameBytes(Frame.close(CloseCode.NORMAL_CLOSURE, "bye"), "880503e8627965", Role.SERVER, 0);
        assertFrameBytes(Frame.close(null, null), "8800", Role.SERVER, 0);
    }

    @Test
    void reservedBitsAreEncodedAsGiven() {
        Frame f = new Frame(true, true, false, false, Opcode.TEXT, ascii("a"));
        assertThat(Hex.of(new FrameEncoder(Role.SERVER, MaskSource.fixed(0)).encode(f))).isEqualTo("c10161");
    }

    @Test
    void encodingDoesNotMovePayloadPosition() {
        ByteBuffer p = ascii("xHello");
        p.position(1);
        FrameEncoder e = new FrameEncoder(Role.CLIENT, MaskSource.fixed(RFC_KEY));
        assertThat(Hex.of(e.encode(true, 0, Opcode.TEXT, p, 1, 5))).isEqualTo("818537fa213d7f9f4d5158");
        assertThat(p.position()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 7, 8, 9, 125, 126, 127, 128, 65535, 65536, 65537})
    void roundTripsEveryLengthFormBothRoles(int length) {
        byte[] payload = pattern(length);
        for (Role sender : Role.values()) {
            FrameEncoder e = new FrameEncoder(sender, MaskSource.fixed(0xa1b2c3d4));
            ByteBuffer wire = e.encode(Frame.binary(ByteBuffer.wrap(payload), true));
            int header = length <= 125 ? 2 : length <= 65535 ? 4 : 10;
            assertThat(wire.remaining()).isEqualTo(header + (sender == Role.CLIENT ? 4 : 0) + length);
            FrameDecoderTest.Result r = FrameDecoderTest.decodeWhole(sender.peer(), false, toArray(wire));
            assertThat(r.violation()).isNull();
            assertThat(r.frames()).containsExactly(Frame.binary(ByteBuffer.wrap(payload), true));
        }
    }

    @Test
    void roundTripsAMultiMebibytePayloadInOddChunks() throws ProtocolException {
        byte[] payload = pattern(5 * 1024 * 1024 + 3);
        Limits limits = Limits.DEFAULTS.withMaxFrameSize(8 << 20);
        for (Role sender : Role.values()) {
            ByteBuffer wire = new FrameEncoder(sender, MaskSource.fixed(0x0badcafe))
                    .encode(true, 0, Opcode.BINARY, payload, 0, payload.length);
            FrameDecoder d = new FrameDecoder(sender.peer(), limits, false);
            byte[] out = new byte[payload.length];
            int got = 0;
            while (wire.hasRemaining()) {
                // 4093-byte chunks: the mask phase changes from chunk to chunk.
                ByteBuffer chunk = wire.slice(wire.position(), Math.min(4093, wire.remaining()));
                wire.position(wire.position() + chunk.remaining());
                if (d.readHeader(chunk)) {
                    got += d.readPayload(chunk, out, got, out.length - got);
                }
            }
            assertThat(d.payloadComplete()).isTrue();
            assertThat(Arrays.equals(out, payload)).isTrue();
        }
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 8));
        }
        return b;
    }

    static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void serverConnectionsShareOneEncoderAndClientsMaskWithTheirOwnSource() {
        MaskSource never = () -> {
            throw new AssertionError("a server never masks");
        };
        assertThat(FrameEncoder.of(Role.SERVER, never)).isSameAs(FrameEncoder.of(Role.SERVER, () -> 1));
        assertThat(Hex.of(FrameEncoder.of(Role.SERVER, never).encode(Frame.text("Hello", true))))
                .isEqualTo("810548656c6c6f"); // text Hello, unmasked
        FrameEncoder client = FrameEncoder.of(Role.CLIENT, () -> 0x37fa213d);
        assertThat(client).isNotSameAs(FrameEncoder.of(Role.CLIENT, () -> 0x37fa213d));
        assertThat(Hex.of(client.encode(Frame.text("Hello", true))))
                .isEqualTo("818537fa213d7f9f4d5158"); // RFC 6455 5.7: masked text Hello
    }
}
