package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.testing.Hex;
import dev.duplex.testing.CoreRecorder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The connection state machine, one nested class per RFC 6455 topic. Inputs are hex: a client
 * receives unmasked server frames; a server receives frames masked with key 00000000 (written with
 * {@link #m}) so payloads stay readable. Every input is also fed split at every point and one byte
 * at a time ({@link Feed}).
 */
class ConnectionTest {

    static final Supplier<Connection> SERVER = () -> server(Limits.DEFAULTS);
    static final Supplier<Connection> CLIENT = () -> client(Limits.DEFAULTS);

    static Connection server(Limits limits) {
        return new Connection(Role.SERVER, limits, MaskSource.fixed(0), null);
    }

    static Connection client(Limits limits) {
        return new Connection(Role.CLIENT, limits, MaskSource.fixed(0), null);
    }

    /** Turns unmasked frames (concatenated hex) into the same frames masked with key 00000000. */
    static String m(String unmaskedHex) {
        byte[] in = Hex.bytes(unmaskedHex);
        StringBuilder out = new StringBuilder();
        int p = 0;
        while (p < in.length) {
            int len7 = in[p + 1] & 0x7f;
            int ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
            long len = len7 < 126 ? len7 : 0;
            for (int i = 0; i < ext; i++) {
                len = (len << 8) | (in[p + 2 + i] & 0xff);
            }
            byte[] head = java.util.Arrays.copyOfRange(in, p, p + 2 + ext);
            head[1] |= (byte) 0x80;
            out.append(Hex.of(head)).append("00000000");
            int start = p + 2 + ext;
            out.append(Hex.of(java.util.Arrays.copyOfRange(in, start, (int) (start + len))));
            p = start + (int) len;
        }
        return out.toString();
    }

    static Feed.Outcome feed(Supplier<Connection> c, String hex) {
        return Feed.everySplit(c, Hex.bytes(hex));
    }

    /** The close frame in {@code outbound} hex, sent by {@code sender}, decoded. */
    static Frame sentFrame(Role sender, String outboundHex) {
        try {
            Frame f = new FrameDecoder(sender.peer(), Limits.DEFAULTS, false).decode(Hex.buffer(outboundHex));
            assertThat(f).isNotNull();
            return f;
        } catch (ProtocolException e) {
            throw new AssertionError(e);
        }
    }

    static int closeCodeOf(Frame f) {
        assertThat(f.opcode()).isEqualTo(Opcode.CLOSE);
        return f.payload().getShort(0) & 0xffff;
    }

    /** Feeds {@code hex} every way and checks the connection failed with {@code v} and sent its code. */
    static void assertFails(Role role, String hex, Violation v) {
        Feed.Outcome o = feed(role == Role.SERVER ? SERVER : CLIENT, hex);
        assertThat(o.events()).last().isEqualTo("closed " + v.closeCode() + " unclean " + v);
        assertThat(closeCodeOf(sentFrame(role, o.outbound()))).isEqualTo(v.closeCode().code());
        assertThat(o.state()).isEqualTo(State.CLOSED);
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    @Nested
    class Masking {
        // RFC 6455 5.1.

        @Test
        void serverAcceptsMaskedFrames() {
            assertThat(feed(SERVER, "818537fa213d7f9f4d5158").events()).containsExactly("text Hello");
        }

        @Test
        void serverFailsOnUnmaskedFrame() {
            assertFails(Role.SERVER, "810548656c6c6f", Violation.UNMASKED_CLIENT_FRAME);
        }

        @Test
        void clientFailsOnMaskedFrame() {
            assertFails(Role.CLIENT, "818537fa213d7f9f4d5158", Violation.MASKED_SERVER_FRAME);
        }

        @Test
        void clientMasksWithTheInjectedKey() {
            Connection c = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x37fa213d), null);
            c.sendText("Hello");
            assertThat(CoreRecorder.outbound(c)).isEqualTo("818537fa213d7f9f4d5158"); // RFC 6455 5.7
        }

        @Test
        void serverDoesNotMask() {
            Connection c = SERVER.get();
            c.sendText("Hello");
            assertThat(CoreRecorder.outbound(c)).isEqualTo("810548656c6c6f");
        }
    }

    @Nested
    class Messages {

        @Test
        void textAndBinaryBothRoles() {
            assertThat(feed(CLIENT, "810548656c6c6f 8203010203").events())
                    .containsExactly("text Hello", "binary 010203");
            assertThat(feed(SERVER, m("810548656c6c6f 8203010203")).events())
                    .containsExactly("text Hello", "binary 010203");
        }

        @Test
        void emptyMessages() {
            assertThat(feed(CLIENT, "8100 8200").events()).containsExactly("text ", "binary ");
        }

        @Test
        void binaryEventIsReadOnly() {
            Connection c = CLIENT.get();
            c.receive(Hex.buffer("8203010203"));
            ProtocolEvent.BinaryMessage b = (ProtocolEvent.BinaryMessage) c.pollEvent();
            assertThat(b.data().isReadOnly()).isTrue();
            assertThat(b.data().remaining()).isEqualTo(3);
        }

        @Test
        void receiveConsumesTheWholeBufferAndCopiesWhatItKeeps() {
            Connection c = CLIENT.get();
            ByteBuffer in = Hex.buffer("010348656c");
            c.receive(in);
            assertThat(in.hasRemaining()).isFalse();
            in.clear();
            in.put(Hex.bytes("ffffffffff")); // the caller reuses its buffer
            c.receive(Hex.buffer("80026c6f"));
            assertThat(CoreRecorder.events(c)).containsExactly("text Hello");
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 125, 126, 127, 8192, 8193, 65535, 65536, 3 * 1024 * 1024 + 1})
        void roundTripsBothDirections(int length) {
            Limits limits = Limits.DEFAULTS.withMaxFrameSize(4 << 20).withMaxMessageSize(4 << 20);
            Connection client = new Connection(Role.CLIENT, limits, MaskSource.fixed(0x5ca1ab1e), null);
            Connection server = server(limits);
            byte[] payload = FrameEncoderTest.pattern(length);
            String text = "é".repeat(length / 2) + "a".repeat(length % 2);
            client.sendBinary(ByteBuffer.wrap(payload));
            client.sendText(text);
            server.receive(CoreRecorder.outboundBytes(client));
            server.sendBinary(ByteBuffer.wrap(payload));
            server.sendText(text);
            client.receive(CoreRecorder.outboundBytes(server));
            for (Connection c : List.of(server, client)) {
                ProtocolEvent.BinaryMessage b = (ProtocolEvent.BinaryMessage) c.pollEvent();
                assertThat(b.data()).isEqualTo(ByteBuffer.wrap(payload));
                assertThat(c.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage(text));
                assertThat(c.pollEvent()).isNull();
            }
        }

        @Test
        void sendBinaryLeavesThePositionAlone() {
            Connection c = SERVER.get();
            ByteBuffer b = Hex.buffer("00010203");
            b.position(1);
            c.sendBinary(b);
            assertThat(b.position()).isEqualTo(1);
            assertThat(CoreRecorder.outbound(c)).isEqualTo("8203010203");
        }

        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 8192, 8193, 65536, 1_000_000})
        void sendBinaryWithoutCopyWritesTheSameBytesAndSharesLargePayloads(int length) {
            byte[] payload = FrameEncoderTest.pattern(length);
            Connection copying = SERVER.get();
            copying.sendBinary(ByteBuffer.wrap(payload));
            Connection sharing = SERVER.get();
            ByteBuffer source = ByteBuffer.wrap(payload).position(0);
            sharing.sendBinaryWithoutCopy(source);
            List<ByteBuffer> parts = new java.util.ArrayList<>();
            for (ByteBuffer b; (b = sharing.pollOutbound()) != null; ) {
                parts.add(b);
            }
            ByteBuffer joined = ByteBuffer.allocate(parts.stream().mapToInt(ByteBuffer::remaining).sum());
            parts.forEach(b -> joined.put(b.duplicate()));
            assertThat(joined.flip()).isEqualTo(CoreRecorder.outboundBytes(copying));
            assertThat(source.position()).isZero();
            if (length > 8192) {
                // header, then the caller's bytes themselves: changing them changes what goes out
                assertThat(parts).hasSize(2);
                assertThat(parts.get(1).isReadOnly()).isTrue();
                payload[length - 1] ^= 1;
                assertThat(parts.get(1).get(length - 1)).isEqualTo(payload[length - 1]);
            } else {
                assertThat(parts).hasSize(1);
            }
        }

        @Test
        void sendBinaryWithoutCopyOnAClientStillMasksACopy() {
            Connection c = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x01020304), null);
            byte[] payload = FrameEncoderTest.pattern(20_000);
            c.sendBinaryWithoutCopy(ByteBuffer.wrap(payload));
            assertThat(payload).isEqualTo(FrameEncoderTest.pattern(20_000));
            Connection server = SERVER.get();
            server.receive(CoreRecorder.outboundBytes(c));
            assertThat(((ProtocolEvent.BinaryMessage) server.pollEvent()).data()).isEqualTo(ByteBuffer.wrap(payload));
        }

        @Test
        void aLargeFrameArrivingInPiecesEndsInAnArrayOfExactlyItsSize() {
            int length = 1_000_000; // not a power of two: doubling from 64 KiB would end at 1 MiB
            Limits limits = Limits.DEFAULTS.withMaxFrameSize(2 << 20).withMaxMessageSize(2 << 20);
            Connection client = new Connection(Role.CLIENT, limits, MaskSource.fixed(0x5ca1ab1e), null);
            client.sendBinary(ByteBuffer.wrap(FrameEncoderTest.pattern(length)));
            ByteBuffer wire = CoreRecorder.outboundBytes(client);
            Connection server = server(limits);
            while (wire.hasRemaining()) {
                ByteBuffer piece = wire.slice(wire.position(), Math.min(64 * 1024, wire.remaining()));
                wire.position(wire.position() + piece.remaining());
                server.receive(piece);
            }
            ByteBuffer data = ((ProtocolEvent.BinaryMessage) server.pollEvent()).data();
            assertThat(data).isEqualTo(ByteBuffer.wrap(FrameEncoderTest.pattern(length)));
            assertThat(data.capacity()).isEqualTo(length);
        }

        @Test
        void sendBinaryFromADirectBuffer() {
            Connection c = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x01020304), null);
            ByteBuffer d = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
            c.sendBinary(d);
            assertThat(CoreRecorder.outbound(c)).isEqualTo("828301020304" + "000000");
        }
    }

    @Nested
    class Fragmentation {
        // RFC 6455 5.4.

        @Test
        void reassemblesText() {
            assertThat(feed(CLIENT, "010348656c 80026c6f").events()).containsExactly("text Hello");
        }

        @Test
        void reassemblesBinaryWithEmptyFragments() {
            assertThat(feed(SERVER, m("0201aa 0000 0002bbcc 8000")).events()).containsExactly("binary aabbcc");
        }

        @Test
        void controlFramesMayBeInterleaved() {
            Feed.Outcome o = feed(CLIENT, "010348656c 890170 8a00 80026c6f");
            assertThat(o.events()).containsExactly("ping 70", "pong ", "text Hello");
            assertThat(o.outbound()).isEqualTo("8a8100000000" + "70"); // the pong, masked with key 0
        }

        @Test
        void continuationWithoutStartFails() {
            assertFails(Role.CLIENT, "80026c6f", Violation.UNEXPECTED_CONTINUATION);
        }

        @Test
        void newDataFrameInsideMessageFails() {
            assertFails(Role.CLIENT, "010348656c 81026c6f", Violation.EXPECTED_CONTINUATION);
            assertFails(Role.SERVER, m("010348656c 82026c6f"), Violation.EXPECTED_CONTINUATION);
        }

        @Test
        void messagesAfterAFragmentedOneStartFresh() {
            assertThat(feed(CLIENT, "0201aa 8001bb 8101 61").events()).containsExactly("binary aabb", "text a");
        }
    }

    @Nested
    class Violations {
        // RFC 6455 5.2 and 5.5, end to end: each becomes a close frame with its code and a Closed event.

        @Test
        void reservedBits() {
            assertFails(Role.CLIENT, "c10161", Violation.RESERVED_BITS);
            assertFails(Role.SERVER, m("a10161"), Violation.RESERVED_BITS);
            assertFails(Role.CLIENT, "910161", Violation.RESERVED_BITS);
        }

        @Test
        void reservedOpcodes() {
            assertFails(Role.CLIENT, "8300", Violation.RESERVED_OPCODE);
            assertFails(Role.SERVER, m("8b00"), Violation.RESERVED_OPCODE);
        }

        @Test
        void controlFrameTooLong() {
            assertFails(Role.CLIENT, "897e007e" + "00".repeat(126), Violation.CONTROL_FRAME_TOO_LONG);
        }

        @Test
        void fragmentedControlFrame() {
            assertFails(Role.CLIENT, "0900", Violation.FRAGMENTED_CONTROL_FRAME);
        }

        @Test
        void lengthTopBit() {
            assertFails(Role.CLIENT, "827f8000000000000000", Violation.LENGTH_TOP_BIT_SET);
        }

        @Test
        void nothingIsProcessedAfterAViolation() {
            Feed.Outcome o = feed(CLIENT, "8300 810161 890170");
            assertThat(o.events()).containsExactly("closed 1002 unclean RESERVED_OPCODE");
        }

        @Test
        void failingSendsTheViolationAsReason() {
            Connection c = SERVER.get();
            c.receive(Hex.buffer("8100"));
            Frame close = sentFrame(Role.SERVER, CoreRecorder.outbound(c));
            assertThat(new String(close.payloadBytes(), 2, close.length() - 2, StandardCharsets.UTF_8))
                    .isEqualTo(Violation.UNMASKED_CLIENT_FRAME.message());
            assertThat(c.shouldCloseTransport()).isTrue();
            assertThat(c.closeExpected()).isFalse();
        }
    }

    @Nested
    class Text {
        // RFC 6455 8.1: text is UTF-8; invalid data fails the connection with 1007 at the first bad byte.

        @Test
        void multiByteCharacterSplitAcrossFragments() {
            // "κόσμε" (with U+1F79) = ce ba e1 bd b9 cf 83 ce bc ce b5, split inside the second character.
            assertThat(feed(CLIENT, "0103ceba e1 0003 bdb9cf 8005 83cebcceb5".replace(" ", "")).events())
                    .containsExactly("text \u03ba\u1f79\u03c3\u03bc\u03b5"); // κόσμε
        }

        @Test
        void invalidByteFailsWithoutWaitingForTheEnd() {
            // First fragment is invalid at its 2nd byte; the message never finishes.
            assertFails(Role.CLIENT, "0102ceff", Violation.INVALID_UTF8);
        }

        @Test
        void invalidByteFailsInsideAPartialFrame() {
            Connection c = CLIENT.get();
            c.receive(Hex.buffer("810a 6162ff")); // 10 bytes announced, 3 arrived, the 3rd invalid
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1007 unclean INVALID_UTF8");
        }

        @Test
        void invalidSequenceAcrossAFragmentBoundary() {
            // f4 then 90: past U+10FFFF, detected at the first byte of the second fragment.
            assertFails(Role.CLIENT, "0101f4 000190", Violation.INVALID_UTF8);
            Connection c = CLIENT.get();
            c.receive(Hex.buffer("0101f4 0003 90")); // continuation announced 3 bytes, only one arrived
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1007 unclean INVALID_UTF8");
        }

        @Test
        void truncatedCharacterAtMessageEnd() {
            assertFails(Role.CLIENT, "8101ce", Violation.INVALID_UTF8);
            assertFails(Role.CLIENT, "0101ce 8000", Violation.INVALID_UTF8);
        }

        @Test
        void surrogatesAndOverlongsFail() {
            assertFails(Role.CLIENT, "8103eda080", Violation.INVALID_UTF8); // U+D800
            assertFails(Role.CLIENT, "8102c0af", Violation.INVALID_UTF8); // overlong '/'
        }

        @Test
        void binaryIsNotValidated() {
            assertThat(feed(CLIENT, "8202ceff").events()).containsExactly("binary ceff");
        }
    }

    @Nested
    class PingPong {
        // RFC 6455 5.5.2 and 5.5.3.

        @Test
        void pingIsAnsweredWithTheSamePayload() {
            Feed.Outcome o = feed(SERVER, m("890548656c6c6f"));
            assertThat(o.events()).containsExactly("ping 48656c6c6f");
            assertThat(o.outbound()).isEqualTo("8a0548656c6c6f");
        }

        @Test
        void emptyAndMaximalPings() {
            assertThat(feed(CLIENT, "8900").outbound()).isEqualTo("8a8000000000");
            String p125 = "ab".repeat(125);
            assertThat(feed(CLIENT, "897d" + p125).outbound()).isEqualTo("8afd00000000" + p125);
        }

        @Test
        void unsolicitedPongIsReportedAndNotAnswered() {
            Feed.Outcome o = feed(CLIENT, "8a0170");
            assertThat(o.events()).containsExactly("pong 70");
            assertThat(o.outbound()).isEmpty();
        }

        @Test
        void noPongAfterOurClose() {
            Connection c = SERVER.get();
            c.sendClose(CloseCode.NORMAL_CLOSURE, "");
            CoreRecorder.outbound(c);
            c.receive(Hex.buffer(m("890170")));
            assertThat(CoreRecorder.events(c)).containsExactly("ping 70");
            assertThat(CoreRecorder.outbound(c)).isEmpty();
        }

        @Test
        void sendPingAndPong() {
            Connection c = SERVER.get();
            c.sendPing(Hex.buffer("01"));
            c.sendPong(Hex.buffer("02"));
            assertThat(CoreRecorder.outbound(c)).isEqualTo("890101" + "8a0102");
            assertThatThrownBy(() -> c.sendPing(ByteBuffer.allocate(126)))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Close {
        // RFC 6455 5.5.1, 7.1.

        @Test
        void aCloseAfterWholeMessagesWaitsUntilTheyAreAnswered() {
            Connection c = SERVER.get();
            c.receive(Hex.buffer(m("810548656c6c6f") + m("880503e8627965"))); // "Hello", close 1000 "bye"
            assertThat(c.pollOutbound()).as("no close echo before the message is delivered").isNull();
            assertThat(c.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage("Hello"));
            assertThat(c.state()).isEqualTo(State.OPEN);
            c.sendText("Hello"); // the application's echo is not lost
            assertThat(CoreRecorder.events(c)).containsExactly("close-received 1000 bye", "closed 1000 clean");
            assertThat(Hex.of(c.pollOutbound())).isEqualTo("810548656c6c6f");
            assertThat(Hex.of(c.pollOutbound())).isEqualTo("880503e8627965");
            assertThat(c.shouldCloseTransport()).isTrue();
        }

        @Test
        void aHeldCloseIsTakenWhenThePeerHangsUp() {
            Connection c = SERVER.get();
            c.receive(Hex.buffer(m("810548656c6c6f") + m("880203e8")));
            c.receiveEof();
            assertThat(CoreRecorder.events(c)).containsExactly("text Hello", "close-received 1000", "closed 1000 clean");
        }

        @Test
        void serverEchoesThePeersCloseAndClosesTcpFirst() {
            Feed.Outcome o = feed(SERVER, m("880503e8627965")); // 1000 "bye"
            assertThat(o.events()).containsExactly("close-received 1000 bye", "closed 1000 clean");
            assertThat(o.outbound()).isEqualTo("880503e8627965");
            assertThat(o.state()).isEqualTo(State.CLOSED);
            Connection c = SERVER.get();
            c.receive(Hex.buffer(m("880503e8627965")));
            assertThat(c.shouldCloseTransport()).isTrue();
            assertThat(c.closeExpected()).isFalse();
        }

        @Test
        void clientEchoesAndWaitsForTheServerToCloseTcp() {
            Connection c = CLIENT.get();
            c.receive(Hex.buffer("880203e9")); // 1001
            assertThat(CoreRecorder.events(c)).containsExactly("close-received 1001", "closed 1001 clean");
            assertThat(CoreRecorder.outbound(c)).isEqualTo("888200000000" + "03e9");
            assertThat(c.state()).isEqualTo(State.CLOSED);
            assertThat(c.shouldCloseTransport()).isFalse();
            assertThat(c.closeExpected()).isTrue();
            c.receiveEof();
            assertThat(CoreRecorder.events(c)).isEmpty(); // already reported clean
            assertThat(c.shouldCloseTransport()).isTrue();
            assertThat(c.closeExpected()).isFalse();
        }

        @Test
        void serverInitiates() {
            Connection c = SERVER.get();
            c.sendClose(CloseCode.GOING_AWAY, "restart");
            assertThat(CoreRecorder.outbound(c)).isEqualTo("880903e9" + Hex.of("restart".getBytes()));
            assertThat(c.state()).isEqualTo(State.CLOSING);
            assertThat(c.closeExpected()).isTrue();
            assertThat(c.shouldCloseTransport()).isFalse();
            // Data still arrives until the peer's close (RFC 6455 7.1.2 does not stop the reader).
            c.receive(Hex.buffer(m("810161")));
            assertThat(CoreRecorder.events(c)).containsExactly("text a");
            c.receive(Hex.buffer(m("880203e9")));
            assertThat(CoreRecorder.events(c)).containsExactly("close-received 1001", "closed 1001 clean");
            assertThat(CoreRecorder.outbound(c)).isEmpty(); // no second close
            assertThat(c.state()).isEqualTo(State.CLOSED);
            assertThat(c.shouldCloseTransport()).isTrue();
            assertThat(c.closeExpected()).isFalse();
        }

        @Test
        void clientInitiates() {
            Connection c = CLIENT.get();
            c.sendClose(CloseCode.NORMAL_CLOSURE, null);
            assertThat(CoreRecorder.outbound(c)).isEqualTo("888200000000" + "03e8");
            assertThat(c.state()).isEqualTo(State.CLOSING);
            assertThat(c.closeExpected()).isTrue();
            c.receive(Hex.buffer("880203e8"));
            assertThat(CoreRecorder.events(c)).containsExactly("close-received 1000", "closed 1000 clean");
            assertThat(CoreRecorder.outbound(c)).isEmpty();
            assertThat(c.shouldCloseTransport()).isFalse(); // the server closes TCP first
            assertThat(c.closeExpected()).isTrue();
            c.receiveEof();
            assertThat(CoreRecorder.events(c)).isEmpty();
            assertThat(c.shouldCloseTransport()).isTrue();
        }

        @Test
        void reportsThePeersCodeWhenItDiffersFromOurs() {
            Connection c = SERVER.get();
            c.sendClose(CloseCode.NORMAL_CLOSURE, "");
            c.receive(Hex.buffer(m("88020bb8"))); // 3000
            assertThat(CoreRecorder.events(c)).containsExactly("close-received 3000", "closed 3000 clean");
        }

        @Test
        void emptyCloseIsEchoedEmptyAndReportedAs1005() {
            Feed.Outcome o = feed(SERVER, m("8800"));
            assertThat(o.events()).containsExactly("close-received 1005", "closed 1005 clean");
            assertThat(o.outbound()).isEqualTo("8800");
        }

        @Test
        void oneBytePayloadFails() {
            assertFails(Role.SERVER, m("880103"), Violation.CLOSE_PAYLOAD_ONE_BYTE);
        }

        @Test
        void invalidReasonFailsWith1007() {
            assertFails(Role.CLIENT, "880403e8ceff", Violation.INVALID_CLOSE_REASON);
            assertFails(Role.CLIENT, "880303e8ce", Violation.INVALID_CLOSE_REASON);
        }

        @Test
        void maximalValidReason() {
            String reason = "é".repeat(61) + "a"; // 123 bytes
            Feed.Outcome o = feed(CLIENT, "887d03e8" + Hex.of(reason.getBytes(StandardCharsets.UTF_8)));
            assertThat(o.events()).containsExactly("close-received 1000 " + reason, "closed 1000 clean");
        }

        @Test
        void nothingIsProcessedAfterThePeersClose() {
            Feed.Outcome o = feed(CLIENT, "880203e8 810161 8900 8300");
            assertThat(o.events()).containsExactly("close-received 1000", "closed 1000 clean");
            assertThat(o.outbound()).isEqualTo("888200000000" + "03e8");
            Connection c = CLIENT.get();
            c.receive(Hex.buffer("880203e8"));
            CoreRecorder.events(c);
            c.receive(Hex.buffer("810161"));
            assertThat(CoreRecorder.events(c)).isEmpty();
        }

        @Test
        void messageInProgressIsDroppedByClose() {
            assertThat(feed(CLIENT, "010161 880203e8").events())
                    .containsExactly("close-received 1000", "closed 1000 clean");
        }

        @Test
        void nothingCanBeSentAfterOurClose() {
            Connection c = SERVER.get();
            c.sendClose(null, "");
            assertThat(CoreRecorder.outbound(c)).isEqualTo("8800");
            assertThatThrownBy(() -> c.sendText("x")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.sendBinary(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.sendPing(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.sendPong(ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.sendClose(CloseCode.NORMAL_CLOSURE, ""))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.sendFrame(Frame.text("x", true))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> c.sendPrepared(PreparedMessage.text("x")))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(c.pollOutbound()).isNull();
        }

        @Test
        void nothingCanBeSentAfterThePeersClose() {
            Connection c = SERVER.get();
            c.receive(Hex.buffer(m("8800")));
            assertThatThrownBy(() -> c.sendText("x")).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void invalidCloseArgumentsThrow() {
            Connection c = SERVER.get();
            for (int code : new int[] {0, 999, 1004, 1005, 1006, 1015, 2999, 5000}) {
                assertThatThrownBy(() -> c.sendClose(CloseCode.of(code), ""))
                        .as("code %d", code).isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> c.sendClose(CloseCode.NORMAL_CLOSURE, "x".repeat(124)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> c.sendClose(null, "reason without code"))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(c.state()).isEqualTo(State.OPEN);
            c.sendClose(CloseCode.of(4999), "x".repeat(123));
            assertThat(sentFrame(Role.SERVER, CoreRecorder.outbound(c)).length()).isEqualTo(125);
        }

        @Test
        void closeSentWithSendFrameCountsAsOurClose() {
            Connection c = SERVER.get();
            c.sendFrame(Frame.close(CloseCode.NORMAL_CLOSURE, ""));
            assertThat(c.state()).isEqualTo(State.CLOSING);
            assertThatThrownBy(() -> c.sendText("x")).isInstanceOf(IllegalStateException.class);
        }
    }

    @Nested
    class Fail {
        // RFC 6455 7.1.7.

        @Test
        void aViolationAfterWholeMessagesWaitsUntilTheyAreAnswered() {
            Connection c = SERVER.get();
            // text "Hello", then a frame with reserved opcode 3, in one read
            c.receive(Hex.buffer(m("810548656c6c6f") + m("8300")));
            assertThat(c.pollOutbound()).as("no close before the message is delivered").isNull();
            assertThat(c.state()).isEqualTo(State.OPEN);
            assertThat(c.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage("Hello"));
            c.sendText("Hello"); // the application's echo
            ProtocolEvent closed = c.pollEvent();
            assertThat(closed).isInstanceOf(ProtocolEvent.Closed.class);
            assertThat(((ProtocolEvent.Closed) closed).code()).isEqualTo(CloseCode.PROTOCOL_ERROR);
            assertThat(Hex.of(c.pollOutbound())).isEqualTo("810548656c6c6f");
            assertThat(closeCodeOf(sentFrame(Role.SERVER, CoreRecorder.outbound(c)))).isEqualTo(1002);
            assertThat(c.shouldCloseTransport()).isTrue();
            c.receive(Hex.buffer(m("810548656c6c6f")));
            assertThat(c.pollEvent()).as("nothing read after the violation").isNull();
        }

        @Test
        void aHeldViolationStillFailsWhenThePeerHangsUp() {
            Connection c = SERVER.get();
            c.receive(Hex.buffer(m("810548656c6c6f") + m("8300")));
            c.receiveEof();
            assertThat(CoreRecorder.events(c)).containsExactly("text Hello", "closed 1002 unclean RESERVED_OPCODE");
        }

        @Test
        void failSendsACloseAndReportsUnclean() {
            Connection c = CLIENT.get();
            c.fail(CloseCode.POLICY_VIOLATION, "too slow");
            assertThat(closeCodeOf(sentFrame(Role.CLIENT, CoreRecorder.outbound(c)))).isEqualTo(1008);
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1008 unclean");
            assertThat(c.state()).isEqualTo(State.CLOSED);
            assertThat(c.shouldCloseTransport()).isFalse(); // a client waits for the server's TCP close
            assertThat(c.closeExpected()).isTrue();
            c.fail(CloseCode.INTERNAL_ERROR, "again");
            c.receiveEof();
            assertThat(c.pollEvent()).isNull();
            assertThat(c.pollOutbound()).isNull();
        }

        @Test
        void failWithAnUnsendableCodeSendsNothing() {
            Connection c = SERVER.get();
            IllegalStateException cause = new IllegalStateException("reset");
            c.fail(CloseCode.ABNORMAL_CLOSURE, "connection reset", cause);
            assertThat(c.pollOutbound()).isNull();
            assertThat(c.pollEvent()).isEqualTo(
                    new ProtocolEvent.Closed(CloseCode.ABNORMAL_CLOSURE, "connection reset", false, cause));
        }

        @Test
        void failAfterOurCloseSendsNoSecondClose() {
            Connection c = SERVER.get();
            c.sendClose(CloseCode.NORMAL_CLOSURE, "");
            CoreRecorder.outbound(c);
            c.fail(CloseCode.GOING_AWAY, "timeout");
            assertThat(c.pollOutbound()).isNull();
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1001 unclean");
        }

        @Test
        void longReasonIsCutAtACodePoint() {
            Connection c = SERVER.get();
            c.fail(CloseCode.INTERNAL_ERROR, "é".repeat(100));
            Frame f = sentFrame(Role.SERVER, CoreRecorder.outbound(c));
            assertThat(f.length()).isEqualTo(2 + 122);
        }
    }

    @Nested
    class Eof {

        @Test
        void eofWhileOpenIs1006() {
            Connection c = SERVER.get();
            c.receive(Hex.buffer(m("010161"))); // a message in progress
            c.receiveEof();
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1006 unclean");
            assertThat(c.shouldCloseTransport()).isTrue();
            assertThat(c.pollOutbound()).isNull();
            c.receiveEof();
            assertThat(c.pollEvent()).isNull();
        }

        @Test
        void eofWhileClosingIs1006() {
            Connection c = CLIENT.get();
            c.sendClose(CloseCode.NORMAL_CLOSURE, "");
            c.receiveEof();
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1006 unclean");
            assertThat(c.closeExpected()).isFalse();
        }

        @Test
        void inputAfterEofIsIgnored() {
            Connection c = CLIENT.get();
            c.receiveEof();
            CoreRecorder.events(c);
            c.receive(Hex.buffer("810161"));
            assertThat(c.pollEvent()).isNull();
        }
    }

    @Nested
    class LimitsEnforced {

        @Test
        void frameSizeAtAndPastTheLimit() {
            Limits l = Limits.DEFAULTS.withMaxFrameSize(3);
            assertThat(Feed.everySplit(() -> client(l), Hex.bytes("8203010203")).events())
                    .containsExactly("binary 010203");
            Feed.Outcome o = Feed.everySplit(() -> client(l), Hex.bytes("820401020304"));
            assertThat(o.events()).containsExactly("closed 1009 unclean FRAME_TOO_BIG");
            // Decided on the header alone, before the payload arrives.
            Connection c = client(l);
            c.receive(Hex.buffer("827f0000000100000000"));
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1009 unclean FRAME_TOO_BIG");
        }

        @Test
        void messageSizeAtAndPastTheLimit() {
            Limits l = Limits.DEFAULTS.withMaxMessageSize(4);
            assertThat(Feed.everySplit(() -> server(l), Hex.bytes(m("0202aabb 8002ccdd"))).events())
                    .containsExactly("binary aabbccdd");
            Feed.Outcome o = Feed.everySplit(() -> server(l), Hex.bytes(m("0202aabb 8003ccddee")));
            assertThat(o.events()).containsExactly("closed 1009 unclean MESSAGE_TOO_BIG");
            assertThat(closeCodeOf(sentFrame(Role.SERVER, o.outbound()))).isEqualTo(1009);
            Connection c = server(l);
            c.receive(Hex.buffer(m("0202aabb") + "80fd00000000")); // only the header of a 125-byte fragment
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1009 unclean MESSAGE_TOO_BIG");
            assertThat(Feed.everySplit(() -> server(l), Hex.bytes(m("81056162636465"))).events())
                    .containsExactly("closed 1009 unclean MESSAGE_TOO_BIG");
        }

        @Test
        void fragmentCountAtAndPastTheLimit() {
            Limits l = Limits.DEFAULTS.withMaxFragments(3);
            assertThat(feedWith(l, "0101 61 0001 62 8001 63").events()).containsExactly("text abc");
            assertThat(feedWith(l, "0101 61 0001 62 0001 63 8001 64").events())
                    .containsExactly("closed 1009 unclean TOO_MANY_FRAGMENTS");
        }

        @Test
        void controlFramesDoNotCountAsFragments() {
            Limits l = Limits.DEFAULTS.withMaxFragments(2);
            assertThat(feedWith(l, "0101 61 8a00 8a00 8a00 8001 62").events())
                    .containsExactly("pong ", "pong ", "pong ", "text ab");
        }

        @Test
        void unlimitedLimitsStillRefuseWhatNoArrayCanHold() {
            Limits l = Limits.DEFAULTS.withMaxFrameSize(Long.MAX_VALUE).withMaxMessageSize(Long.MAX_VALUE);
            Connection c = new Connection(Role.CLIENT, l, MaskSource.fixed(0), DeflateParameters.DEFAULT);
            c.receive(Hex.buffer("810161 c107f248cdc9c90700"));
            assertThat(CoreRecorder.events(c)).containsExactly("text a", "text Hello");
            c.receive(Hex.buffer("827f4000000000000000")); // 2^62 bytes announced
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1009 unclean MESSAGE_TOO_BIG");
        }

        @Test
        void anAnnouncedLargeFrameReservesMemoryOnlyAsBytesArrive() {
            Limits l = Limits.DEFAULTS.withMaxFrameSize(1L << 30).withMaxMessageSize(1L << 30);
            Connection c = client(l);
            c.receive(Hex.buffer("827f0000000020000000 0102030405")); // 512 MiB announced, 5 bytes sent
            assertThat(c.reassemblyCapacity()).isLessThanOrEqualTo(64 * 1024);
            c.receive(ByteBuffer.allocate(100_000));
            assertThat(c.reassemblyCapacity()).isBetween(100_005, 2 * 100_005);
            assertThat(c.pollEvent()).isNull();
        }

        private Feed.Outcome feedWith(Limits l, String hex) {
            return Feed.everySplit(() -> client(l), Hex.bytes(hex.replace(" ", "")));
        }
    }
}
