package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.testing.Hex;
import dev.duplex.testing.CoreRecorder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** permessage-deflate (RFC 7692) in the core: examples, RSV1 rules, context takeover, limits, release. */
class DeflateTest {

    static final DeflateParameters DEFAULT = DeflateParameters.DEFAULT;
    static final DeflateParameters NO_TAKEOVER = new DeflateParameters(true, true, 15, 15);

    static Connection client(DeflateParameters p) {
        return new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0), p);
    }

    static Connection server(DeflateParameters p) {
        return new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), p);
    }

    static final Supplier<Connection> CLIENT = () -> client(DEFAULT);

    @Nested
    class RfcExamples {
        // RFC 7692 7.2.3: frames from the server, so a client decodes them.

        @Test
        void compressedHelloInOneFrame() {
            // 7.2.3.1
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c107f248cdc9c90700")).events())
                    .containsExactly("text Hello");
            MessageDeflater d = new MessageDeflater(DEFAULT, Role.SERVER);
            byte[] hello = "Hello".getBytes(StandardCharsets.US_ASCII);
            int n = d.compress(hello, 0, 5);
            assertThat(Hex.of(java.util.Arrays.copyOf(d.output(), n))).isEqualTo("f248cdc9c90700");
            Connection s = server(DEFAULT);
            s.sendText("Hello");
            assertThat(CoreRecorder.outbound(s)).isEqualTo("c107f248cdc9c90700");
            d.release();
        }

        @Test
        void compressedHelloInTwoFragments() {
            // 7.2.3.1: RSV1 on the first fragment only.
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("4103f248cd 8004c9c90700")).events())
                    .containsExactly("text Hello");
        }

        @Test
        void sharingTheLz77Window() {
            // 7.2.3.2: the second "Hello" refers back into the first message.
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c107f248cdc9c90700 c105f200110000")).events())
                    .containsExactly("text Hello", "text Hello");
            Connection s = server(DEFAULT);
            s.sendText("Hello");
            s.sendText("Hello");
            assertThat(CoreRecorder.outbound(s)).isEqualTo("c107f248cdc9c90700" + "c105f200110000");
        }

        @Test
        void blockWithNoCompression() {
            // 7.2.3.3
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c10b0005 00faff48656c6c6f00")).events())
                    .containsExactly("text Hello");
        }

        @Test
        void blockWithBfinalSet() {
            // 7.2.3.4; the next message starts a new DEFLATE stream.
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c108f348cdc9c9070000 c107f248cdc9c90700")).events())
                    .containsExactly("text Hello", "text Hello");
        }

        @Test
        void twoDeflateBlocksInOneMessage() {
            // 7.2.3.5
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c10df24805000000ffffcac9c90700")).events())
                    .containsExactly("text Hello");
        }

        @Test
        void maskedCompressedFrameToAServer() {
            Supplier<Connection> s = () -> server(DEFAULT);
            assertThat(Feed.everySplit(s, Hex.bytes("c18700000000f248cdc9c90700")).events())
                    .containsExactly("text Hello");
        }
    }

    @Nested
    class Rsv1 {

        @Test
        void uncompressedMessagesStillWork() {
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("810548656c6c6f")).events()).containsExactly("text Hello");
        }

        @Test
        void rsv1OnAContinuationFails() {
            Feed.Outcome o = Feed.everySplit(CLIENT, Hex.bytes("4103f248cd c004c9c90700"));
            assertThat(o.events()).containsExactly("closed 1002 unclean RSV1_ON_CONTINUATION");
            Feed.Outcome o2 = Feed.everySplit(CLIENT, Hex.bytes("010348656c c0026c6f"));
            assertThat(o2.events()).containsExactly("closed 1002 unclean RSV1_ON_CONTINUATION");
        }

        @Test
        void rsv1OnAControlFrameFails() {
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c900")).events())
                    .containsExactly("closed 1002 unclean RSV1_ON_CONTROL_FRAME");
        }

        @Test
        void rsv1WithoutNegotiationFails() {
            Feed.Outcome o = Feed.everySplit(ConnectionTest.CLIENT, Hex.bytes("c107f248cdc9c90700"));
            assertThat(o.events()).containsExactly("closed 1002 unclean RESERVED_BITS");
        }

        @Test
        void controlFramesAreNeverCompressed() {
            Connection s = server(DEFAULT);
            s.sendPing(Hex.buffer("01"));
            s.sendClose(CloseCode.NORMAL_CLOSURE, "");
            assertThat(CoreRecorder.outbound(s)).isEqualTo("890101" + "880203e8");
        }
    }

    @Nested
    class RoundTrips {

        private void roundTrip(DeflateParameters p, boolean expectSmallerSecond) {
            Connection client = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x11223344), p);
            Connection server = server(p);
            String text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
            int[] sizes = new int[2];
            for (int i = 0; i < 2; i++) {
                client.sendText(text);
                ByteBuffer wire = CoreRecorder.outboundBytes(client);
                sizes[i] = wire.remaining();
                assertThat(wire.get(0) & 0x40).as("RSV1").isEqualTo(0x40);
                server.receive(wire);
                assertThat(server.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage(text));
                server.sendBinary(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
                client.receive(CoreRecorder.outboundBytes(server));
                ProtocolEvent.BinaryMessage b = (ProtocolEvent.BinaryMessage) client.pollEvent();
                assertThat(StandardCharsets.UTF_8.decode(b.data()).toString()).isEqualTo(text);
            }
            if (expectSmallerSecond) {
                assertThat(sizes[1]).isLessThan(sizes[0]); // the window carried the first message
            } else {
                assertThat(sizes[1]).isEqualTo(sizes[0]); // every message starts from an empty window
            }
            client.release();
            server.release();
        }

        @Test
        void withContextTakeover() {
            roundTrip(DEFAULT, true);
        }

        @Test
        void withoutContextTakeover() {
            roundTrip(NO_TAKEOVER, false);
        }

        @Test
        void onlyTheServerResets() {
            roundTrip(new DeflateParameters(true, false, 15, 15), true);
        }

        @Test
        void emptyAndLargeMessages() {
            Limits l = Limits.DEFAULTS.withMaxMessageSize(8 << 20).withMaxFrameSize(8 << 20);
            Connection client = new Connection(Role.CLIENT, l, MaskSource.fixed(7), DEFAULT);
            Connection server = new Connection(Role.SERVER, l, MaskSource.fixed(0), DEFAULT);
            byte[] big = FrameEncoderTest.pattern(5 * 1024 * 1024);
            client.sendText("");
            client.sendBinary(ByteBuffer.wrap(big));
            client.sendBinary(ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip());
            server.receive(CoreRecorder.outboundBytes(client));
            assertThat(server.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage(""));
            assertThat(((ProtocolEvent.BinaryMessage) server.pollEvent()).data()).isEqualTo(ByteBuffer.wrap(big));
            assertThat(((ProtocolEvent.BinaryMessage) server.pollEvent()).data()).isEqualTo(Hex.buffer("010203"));
        }

        @Test
        void fragmentedCompressedMessageFromRawFrames() {
            // A peer may split one compressed message into frames anywhere in the DEFLATE stream.
            MessageDeflater d = new MessageDeflater(DEFAULT, Role.SERVER);
            byte[] text = "fragmented and compressed ".repeat(10).getBytes(StandardCharsets.UTF_8);
            int n = d.compress(text, 0, text.length);
            byte[] c = java.util.Arrays.copyOf(d.output(), n);
            Connection s = server(DEFAULT);
            s.sendFrame(new Frame(false, true, false, false, Opcode.TEXT, ByteBuffer.wrap(c, 0, 3)));
            s.sendFrame(new Frame(false, Opcode.CONTINUATION, ByteBuffer.wrap(c, 3, 0)));
            s.sendFrame(new Frame(true, Opcode.CONTINUATION, ByteBuffer.wrap(c, 3, n - 3)));
            assertThat(Feed.everySplit(CLIENT, CoreRecorder.outboundBytes(s).array()).events())
                    .containsExactly("text " + new String(text, StandardCharsets.UTF_8));
            d.release();
        }
    }

    @Nested
    class LimitsAndErrors {

        static byte[] deflated(byte[] data) {
            Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
            d.setInput(data);
            byte[] out = new byte[data.length + 64];
            int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
            d.end();
            return java.util.Arrays.copyOf(out, n - 4);
        }

        static String frame(int b0, byte[] payload) {
            int n = payload.length;
            String len = n <= 125 ? String.format("%02x", n) : n <= 0xffff ? String.format("7e%04x", n)
                    : String.format("7f%016x", n);
            return String.format("%02x", b0) + len + Hex.of(payload);
        }

        @Test
        void decompressionBombStopsAtTheLimit() throws ProtocolException {
            byte[] bomb = deflated(new byte[10 * 1024 * 1024]); // 10 MiB of zeros in ~10 KiB
            assertThat(bomb.length).isLessThan(20_000);
            Limits l = Limits.DEFAULTS.withMaxMessageSize(1 << 20);
            Connection c = new Connection(Role.CLIENT, l, MaskSource.fixed(0), DEFAULT);
            c.receive(Hex.buffer(frame(0xc2, bomb)));
            assertThat(CoreRecorder.events(c)).containsExactly("closed 1009 unclean DECOMPRESSED_TOO_BIG");
            assertThat(ConnectionTest.closeCodeOf(ConnectionTest.sentFrame(Role.CLIENT, CoreRecorder.outbound(c))))
                    .isEqualTo(1009);
            // The inflater stopped one byte past the limit: it never produced the 10 MiB.
            MessageInflater inflater = new MessageInflater(DEFAULT, Role.CLIENT);
            MessageBuffer out = new MessageBuffer(64);
            assertThatThrownBy(() -> inflater.inflate(bomb, 0, bomb.length, out, 1 << 20))
                    .isInstanceOf(ProtocolException.class)
                    .extracting(e -> ((ProtocolException) e).violation()).isEqualTo(Violation.DECOMPRESSED_TOO_BIG);
            assertThat(out.length).isEqualTo((1 << 20) + 1);
            assertThat(out.array.length).isLessThanOrEqualTo((1 << 20) + 1);
            inflater.release();
        }

        @Test
        void decompressedSizeAtTheLimitIsAccepted() {
            Limits l = Limits.DEFAULTS.withMaxMessageSize(1000);
            Supplier<Connection> c = () -> new Connection(Role.CLIENT, l, MaskSource.fixed(0), DEFAULT);
            assertThat(Feed.whole(c, Hex.bytes(frame(0xc2, deflated(new byte[1000])))).events())
                    .containsExactly("binary " + "00".repeat(1000));
            assertThat(Feed.whole(c, Hex.bytes(frame(0xc2, deflated(new byte[1001])))).events())
                    .containsExactly("closed 1009 unclean DECOMPRESSED_TOO_BIG");
        }

        @Test
        void invalidTextInsideTheLimitWinsOverTheLimitHoweverItIsChunked() {
            // 10 valid bytes, one invalid byte, then far more than the limit of 100.
            byte[] plain = new byte[10_000];
            java.util.Arrays.fill(plain, (byte) 'a');
            plain[10] = (byte) 0xff;
            Limits l = Limits.DEFAULTS.withMaxMessageSize(100);
            Supplier<Connection> c = () -> new Connection(Role.CLIENT, l, MaskSource.fixed(0), DEFAULT);
            assertThat(Feed.everySplit(c, Hex.bytes(frame(0xc1, deflated(plain)))).events())
                    .containsExactly("closed 1007 unclean INVALID_UTF8");
        }

        @Test
        void invalidCompressedDataFailsWith1007() {
            assertThat(Feed.everySplit(CLIENT, Hex.bytes("c103ffffff")).events())
                    .containsExactly("closed 1007 unclean INVALID_COMPRESSED_DATA");
        }

        @Test
        void invalidUtf8InsideACompressedTextFails() {
            byte[] bad = deflated(Hex.bytes("61ceff62"));
            assertThat(Feed.everySplit(CLIENT, Hex.bytes(frame(0xc1, bad))).events())
                    .containsExactly("closed 1007 unclean INVALID_UTF8");
        }
    }

    @Nested
    class Sending {

        @Test
        void thresholdSendsSmallMessagesUncompressed() {
            Connection s = new Connection(Role.SERVER, Connection.Settings.of(Limits.DEFAULTS, MaskSource.fixed(0), DEFAULT).withCompression(6, -1));
            s.sendText("Hello"); // 5 bytes: under the threshold
            s.sendText("Hello!"); // 6 bytes: compressed
            String out = CoreRecorder.outbound(s);
            assertThat(out).startsWith("810548656c6c6f" + "c1");
        }

        @Test
        void smallWindowOnOurSideMeansWeSendUncompressedButStillInflate() {
            DeflateParameters p = new DeflateParameters(false, false, 10, 15); // server window 10
            Connection s = server(p);
            assertThat(s.compresses()).isFalse();
            s.sendText("Hello");
            assertThat(CoreRecorder.outbound(s)).isEqualTo("810548656c6c6f");
            s.receive(Hex.buffer("c18700000000f248cdc9c90700"));
            assertThat(CoreRecorder.events(s)).containsExactly("text Hello");
            assertThatThrownBy(() -> new MessageDeflater(p, Role.SERVER)).isInstanceOf(IllegalArgumentException.class);
            assertThat(client(p).compresses()).isTrue(); // the client's own window is 15
        }

        @Test
        void releaseEndsTheZipStreamsOnceAndForAll() {
            Connection c = client(DEFAULT);
            c.sendText("Hello");
            c.receive(Hex.buffer("c107f248cdc9c90700"));
            assertThat(c.deflaterReleased()).isFalse();
            assertThat(c.inflaterReleased()).isFalse();
            c.release();
            c.release(); // idempotent
            assertThat(c.deflaterReleased()).isTrue();
            assertThat(c.inflaterReleased()).isTrue();
            assertThat(CoreRecorder.events(c)).containsExactly("text Hello", "closed 1006 unclean");
            c.receive(Hex.buffer("c107f248cdc9c90700")); // ignored, does not touch the ended inflater
            assertThat(c.pollEvent()).isNull();
            assertThatThrownBy(() -> c.sendText("x")).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void releaseAfterACleanClose() {
            Connection s = server(DEFAULT);
            s.receive(Hex.buffer(ConnectionTest.m("8800")));
            s.release();
            assertThat(CoreRecorder.events(s)).containsExactly("close-received 1005", "closed 1005 clean");
            assertThat(s.deflaterReleased() && s.inflaterReleased()).isTrue();
        }
    }

    @Nested
    class CompressionLevel {

        @org.junit.jupiter.params.ParameterizedTest(name = "level {0}")
        @org.junit.jupiter.params.provider.ValueSource(ints = {-1, 0, 1, 6, 9})
        void everyLevelRoundTripsBothWays(int level) {
            byte[] text = "permessage-deflate at every zlib level. ".repeat(500).getBytes(StandardCharsets.US_ASCII);
            Connection client = new Connection(Role.CLIENT, Connection.Settings.of(Limits.DEFAULTS, MaskSource.fixed(0x0badf00d), DEFAULT).withCompression(0, level));
            Connection server = new Connection(Role.SERVER, Connection.Settings.of(Limits.DEFAULTS, MaskSource.fixed(0), DEFAULT).withCompression(0, level));
            client.sendBinary(java.nio.ByteBuffer.wrap(text));
            server.receive(CoreRecorder.outboundBytes(client));
            server.sendBinary(((ProtocolEvent.BinaryMessage) server.pollEvent()).data());
            java.nio.ByteBuffer wire = CoreRecorder.outboundBytes(server);
            if (level == 0) {
                // stored blocks: no smaller than the message
                assertThat(wire.remaining()).isGreaterThan(text.length);
            } else {
                assertThat(wire.remaining()).isLessThan(text.length / 10);
            }
            client.receive(wire);
            assertThat(((ProtocolEvent.BinaryMessage) client.pollEvent()).data()).isEqualTo(java.nio.ByteBuffer.wrap(text));
        }

        @Test
        void theLevelChangesTheOutput() {
            byte[] text = FrameEncoderTest.pattern(20_000);
            MessageDeflater fast = new MessageDeflater(DEFAULT, Role.SERVER, 1);
            MessageDeflater best = new MessageDeflater(DEFAULT, Role.SERVER, 9);
            byte[] a = java.util.Arrays.copyOf(fast.output(), fast.compress(text, 0, text.length));
            byte[] b = java.util.Arrays.copyOf(best.output(), best.compress(text, 0, text.length));
            assertThat(a).isNotEqualTo(b);
            fast.release();
            best.release();
        }

        @org.junit.jupiter.params.ParameterizedTest(name = "level {0}")
        @org.junit.jupiter.params.provider.ValueSource(ints = {-2, 10, Integer.MIN_VALUE})
        void outOfRangeLevelsAreRefused(int level) {
            assertThatThrownBy(() -> new Connection(Role.SERVER, Connection.Settings.of(Limits.DEFAULTS, MaskSource.fixed(0), DEFAULT).withCompression(0, level)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compression level");
            assertThatThrownBy(() -> dev.duplex.server.WebSocketServer.builder().compressionLevel(level))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> dev.duplex.WebSocketOptions.builder().compressionLevel(level))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
