package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 6455 5.2 frame decoding from hex. Every input is decoded whole, split in two at every point and
 * one byte at a time, and must give the same frames (or the same violation) each way, with nothing
 * produced before the last byte of a frame.
 */
class FrameDecoderTest {

    private static final Limits LIMITS = Limits.DEFAULTS;

    /** Frames decoded, then the violation if any. */
    record Result(List<Frame> frames, Violation violation) {}

    static Result decodeWhole(Role role, boolean rsv1, byte[] in) {
        return decodeChunks(role, rsv1, List.of(in));
    }

    static Result decodeChunks(Role role, boolean rsv1, List<byte[]> chunks) {
        FrameDecoder d = new FrameDecoder(role, LIMITS, rsv1);
        List<Frame> frames = new ArrayList<>();
        try {
            for (byte[] chunk : chunks) {
                ByteBuffer b = ByteBuffer.wrap(chunk);
                while (b.hasRemaining()) {
                    Frame f = d.decode(b);
                    if (f != null) {
                        frames.add(f);
                    }
                }
            }
        } catch (ProtocolException e) {
            return new Result(frames, e.violation());
        }
        return new Result(frames, null);
    }

    /** Decodes every way and checks they agree; returns the result. */
    static Result decode(Role role, boolean rsv1, String hex) {
        byte[] in = Hex.bytes(hex);
        Result whole = decodeWhole(role, rsv1, in);
        for (int split = 0; split <= in.length; split++) {
            Result r = decodeChunks(role, rsv1,
                    List.of(Arrays.copyOfRange(in, 0, split), Arrays.copyOfRange(in, split, in.length)));
            assertThat(r).as("split at %d", split).isEqualTo(whole);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (byte b : in) {
            bytes.add(new byte[] {b});
        }
        assertThat(decodeChunks(role, rsv1, bytes)).as("one byte at a time").isEqualTo(whole);
        if (whole.violation() == null && whole.frames().size() == 1) {
            // Nothing before the last byte.
            assertThat(decodeWhole(role, rsv1, Arrays.copyOf(in, in.length - 1)).frames()).isEmpty();
        }
        return whole;
    }

    static Frame only(Role role, String hex) {
        Result r = decode(role, false, hex);
        assertThat(r.violation()).isNull();
        assertThat(r.frames()).hasSize(1);
        return r.frames().get(0);
    }

    static Violation violation(Role role, String hex) {
        return violation(role, false, hex);
    }

    static Violation violation(Role role, boolean rsv1, String hex) {
        Result r = decode(role, rsv1, hex);
        if (r.violation() == null) {
            fail("expected a violation, got " + r.frames());
        }
        return r.violation();
    }

    static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    // RFC 6455 5.7 examples.

    @Test
    void rfcUnmaskedText() {
        assertThat(only(Role.CLIENT, "810548656c6c6f")).isEqualTo(Frame.text("Hello", true)); // "Hello"
    }

    @Test
    void rfcMaskedText() {
        assertThat(only(Role.SERVER, "818537fa213d7f9f4d5158")).isEqualTo(Frame.text("Hello", true));
    }

    @Test
    void rfcFragmentedUnmaskedText() {
        Result r = decode(Role.CLIENT, false, "010348656c 80026c6f"); // "Hel" then "lo"
        assertThat(r.frames()).containsExactly(
                Frame.text("Hel", false), Frame.continuation(ascii("lo"), true));
    }

    @Test
    void rfcUnmaskedPingAndMaskedPong() {
        assertThat(only(Role.CLIENT, "890548656c6c6f")).isEqualTo(Frame.ping(ascii("Hello")));
        assertThat(only(Role.SERVER, "8a8537fa213d7f9f4d5158")).isEqualTo(Frame.pong(ascii("Hello")));
    }

    @Test
    void rfc256ByteBinaryWith16BitLength() {
        byte[] payload = new byte[256];
        Arrays.fill(payload, (byte) 0x5a);
        Frame f = decodeWhole(Role.CLIENT, false, Hex.bytes("827e0100" + Hex.of(payload))).frames().get(0);
        assertThat(f).isEqualTo(Frame.binary(ByteBuffer.wrap(payload), true));
    }

    @Test
    void rfc64KiBBinaryWith64BitLength() {
        byte[] payload = new byte[65536];
        Frame f = decodeWhole(Role.CLIENT, false, Hex.bytes("827f0000000000010000" + Hex.of(payload)))
                .frames().get(0);
        assertThat(f.length()).isEqualTo(65536);
    }

    // Header fields.

    @Test
    void emptyFrames() {
        assertThat(only(Role.CLIENT, "8100")).isEqualTo(Frame.text("", true)); // empty text
        assertThat(only(Role.SERVER, "828000000000")).isEqualTo(Frame.binary(ByteBuffer.allocate(0), true));
    }

    @Test
    void reservedBitsAreReportedWhenAllowed() {
        Result r = decode(Role.CLIENT, true, "c103616263"); // RSV1 + text "abc"
        assertThat(r.frames().get(0).rsv1()).isTrue();
    }

    @Test
    void maskedPayloadWithZeroKeyIsReadable() {
        assertThat(only(Role.SERVER, "82830000000001 0203")).isEqualTo(
                Frame.binary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true));
    }

    @Test
    void maskIsAppliedAcrossLongPayloadsAtEveryPhase() {
        // 37 bytes masked with 0x01020304: exercises the 8-byte loop and the tail at every split.
        byte[] plain = new byte[37];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = (byte) i;
        }
        byte[] masked = plain.clone();
        Masking.mask(masked, 0, masked.length, 0x01020304, 0);
        Frame f = only(Role.SERVER, "82a501020304" + Hex.of(masked));
        assertThat(f.payloadBytes()).isEqualTo(plain);
    }

    // Violations (RFC 6455 5.1, 5.2, 5.5).

    @Test
    void serverRejectsUnmaskedClientFrame() {
        assertThat(violation(Role.SERVER, "810548656c6c6f")).isEqualTo(Violation.UNMASKED_CLIENT_FRAME);
    }

    @Test
    void clientRejectsMaskedServerFrame() {
        assertThat(violation(Role.CLIENT, "818537fa213d7f9f4d5158")).isEqualTo(Violation.MASKED_SERVER_FRAME);
    }

    @ParameterizedTest(name = "opcode {0}")
    @CsvSource({"3", "4", "5", "6", "7", "b", "c", "d", "e", "f"})
    void reservedOpcodes(String op) {
        assertThat(violation(Role.CLIENT, "8" + op + "00")).isEqualTo(Violation.RESERVED_OPCODE);
    }

    @ParameterizedTest(name = "first byte {0}")
    @CsvSource({"c1", "a1", "91", "f1"})
    void reservedBitsWithoutExtension(String b0) {
        assertThat(violation(Role.CLIENT, b0 + "00")).isEqualTo(Violation.RESERVED_BITS);
    }

    @ParameterizedTest(name = "first byte {0}")
    @CsvSource({"a1", "91"})
    void rsv2AndRsv3EvenWithDeflate(String b0) {
        assertThat(violation(Role.CLIENT, true, b0 + "00")).isEqualTo(Violation.RESERVED_BITS);
    }

    @Test
    void rsv1OnControlFrameWithDeflate() {
        assertThat(violation(Role.CLIENT, true, "c900")).isEqualTo(Violation.RSV1_ON_CONTROL_FRAME);
    }

    @Test
    void controlFrameOf125BytesIsFineAnd126IsNot() {
        assertThat(only(Role.CLIENT, "897d" + "00".repeat(125)).length()).isEqualTo(125);
        assertThat(violation(Role.CLIENT, "897e007e" + "00".repeat(126)))
                .isEqualTo(Violation.CONTROL_FRAME_TOO_LONG);
    }

    @ParameterizedTest(name = "opcode {0}")
    @CsvSource({"8", "9", "a"})
    void fragmentedControlFrames(String op) {
        assertThat(violation(Role.CLIENT, "0" + op + "00")).isEqualTo(Violation.FRAGMENTED_CONTROL_FRAME);
    }

    @Test
    void lengthWithTopBitSet() {
        assertThat(violation(Role.CLIENT, "827f8000000000000001")).isEqualTo(Violation.LENGTH_TOP_BIT_SET);
    }

    @Test
    void nonMinimalLengths() {
        assertThat(violation(Role.CLIENT, "827e007d")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
        assertThat(violation(Role.CLIENT, "827f000000000000ffff")).isEqualTo(Violation.NON_MINIMAL_LENGTH);
    }

    @Test
    void frameSizeLimitIsCheckedOnTheHeader() {
        FrameDecoder d = new FrameDecoder(Role.CLIENT, LIMITS.withMaxFrameSize(200), false);
        ByteBuffer at = Hex.buffer("827e00c8");
        try {
            assertThat(d.readHeader(at)).isTrue();
            assertThat(d.length()).isEqualTo(200);
        } catch (ProtocolException e) {
            fail(e);
        }
        FrameDecoder d2 = new FrameDecoder(Role.CLIENT, LIMITS.withMaxFrameSize(200), false);
        try {
            d2.readHeader(Hex.buffer("827e00c9")); // 201 bytes announced, none sent
            fail("expected FRAME_TOO_BIG");
        } catch (ProtocolException e) {
            assertThat(e.violation()).isEqualTo(Violation.FRAME_TOO_BIG);
            assertThat(e.closeCode()).isEqualTo(CloseCode.MESSAGE_TOO_BIG);
        }
    }

    @Test
    void violationIsReportedBeforeTheRestOfTheHeaderArrives() {
        FrameDecoder d = new FrameDecoder(Role.SERVER, LIMITS, false);
        try {
            d.readHeader(Hex.buffer("81fe")); // unmasked... no: masked bit set, 16-bit length follows
            d.readHeader(Hex.buffer("0b")); // nothing decided yet from a partial length
        } catch (ProtocolException e) {
            fail(e);
        }
        FrameDecoder d2 = new FrameDecoder(Role.SERVER, LIMITS, false);
        try {
            d2.readHeader(Hex.buffer("817e"));
            fail("expected UNMASKED_CLIENT_FRAME after two bytes");
        } catch (ProtocolException e) {
            assertThat(e.violation()).isEqualTo(Violation.UNMASKED_CLIENT_FRAME);
        }
    }
}
