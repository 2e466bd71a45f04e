package dev.duplex.hardening;

import dev.duplex.testing.RawClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

import static dev.duplex.hardening.Target.concat;
import static dev.duplex.hardening.Target.frame;
import static dev.duplex.hardening.Target.rawFrame;
import static dev.duplex.hardening.Target.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile frames after the 101 (rows 7–18 of docs/hardening.md: RSV bits, reserved opcodes, unmasked
 * frames, length tricks, control frame rules, close codes, floods, deflate bombs), without and with
 * permessage-deflate. Each attack gets its close code, the connection is dropped and released, the
 * server keeps serving.
 */
class FramingAttackNetworkTest {

    static Target target;

    @BeforeAll
    static void start() {
        target = new Target();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @AfterEach
    void survived() throws Exception {
        target.assertSurvived();
    }

    /** Upgrades, sends {@code attack}, expects a close frame with {@code code}, then TCP closed by the server. */
    private static void attack(int code, byte[] attack) throws Exception {
        attack(code, attack, false);
    }

    private static void attack(int code, byte[] attack, boolean deflate) throws Exception {
        try (RawClient c = deflate ? upgradedWithDeflate() : target.upgraded()) {
            Target.writeQuietly(c, attack);
            assertThat(Target.awaitCloseCode(c)).isEqualTo(code);
            assertThat(c.awaitEof()).as("server closed TCP").isTrue();
        }
        assertThat(target.nextClose().code()).as("server-side close event").isIn(code, 1006);
    }

    private static byte[] hex(String h) {
        return HexFormat.of().parseHex(h.replace(" ", ""));
    }

    // Item 7 ---------------------------------------------------------------------------------------

    @ParameterizedTest(name = "first byte {0}")
    @ValueSource(ints = {0xC1, 0xA1, 0x91, 0xF1, 0xC2, 0xC9})
    void reservedBitsWithoutAnExtension(int b0) throws Exception {
        attack(1002, frame(b0, utf8("x")));
    }

    @ParameterizedTest(name = "opcode {0}")
    @ValueSource(ints = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF})
    void reservedOpcodeWithAHugeDeclaredLength(int opcode) throws Exception {
        // Jetty CVE-2026-19204: the header alone must be refused; the 2 GiB payload never comes.
        attack(1002, rawFrame(0x80 | opcode, hex("FF 0000 0000 7FFF FFFF"), new byte[0]));
    }

    // Item 8 ---------------------------------------------------------------------------------------

    @Test
    void unmaskedClientFrame() throws Exception {
        attack(1002, concat(new byte[] {(byte) 0x81, 5}, utf8("hello")));
    }

    // Item 9 ---------------------------------------------------------------------------------------

    @Test
    void sixtyFourBitLengthWithTheTopBitSet() throws Exception {
        attack(1002, rawFrame(0x82, hex("FF 8000 0000 0000 0005"), new byte[0]));
    }

    @Test
    void lengthTwoToTheSixtyThreeMinusOne() throws Exception {
        try (RawClient c = target.upgraded()) {
            c.write(rawFrame(0x82, hex("FF 7FFF FFFF FFFF FFFF"), new byte[0]));
            assertThat(Target.awaitCloseCode(c)).isIn(1009, 1002);
            assertThat(c.awaitEof()).isTrue();
        }
        target.nextClose();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"FE 0005", "FE 007D", "FF 0000 0000 0000 0005", "FF 0000 0000 0000 012C",
        "FF 0000 0000 0000 FFFF"})
    void nonMinimalLengthEncodings(String lengthHex) throws Exception {
        byte[] len = hex(lengthHex);
        len[0] |= (byte) 0x80;   // MASK bit
        byte[] payload = new byte[(int) ByteBuffer.wrap(concat(new byte[8 - (len.length - 1)],
                Arrays.copyOfRange(len, 1, len.length))).getLong()];
        attack(1002, rawFrame(0x82, len, payload));
    }

    // Item 10 --------------------------------------------------------------------------------------

    @Test
    void declaredLengthOverTheFrameLimitIsRefusedFromTheHeader() throws Exception {
        // 64 KiB + 1 declared, no payload sent: the close must come without waiting for (or buffering) it.
        attack(1009, rawFrame(0x82, hex("FF 0000 0000 0001 0001"), new byte[0]));
        attack(1009, rawFrame(0x82, hex("FF 0000 0000 7FFF FFFF"), new byte[0]));
    }

    // Item 11 --------------------------------------------------------------------------------------

    @Test
    void controlFrameLongerThan125() throws Exception {
        attack(1002, frame(0x89, new byte[126]));
        attack(1002, frame(0x88, concat(new byte[] {0x03, (byte) 0xE8}, new byte[124])));
    }

    @Test
    void fragmentedControlFrame() throws Exception {
        attack(1002, frame(0x09, utf8("ping")));
        attack(1002, frame(0x08, new byte[] {0x03, (byte) 0xE8}));
    }

    @Test
    void closeWithAOneBytePayload() throws Exception {
        attack(1002, frame(0x88, new byte[] {0x03}));
    }

    @ParameterizedTest(name = "code {0}")
    @ValueSource(ints = {0, 1, 999, 1004, 1005, 1006, 1012 + 3, 1016, 1100, 2000, 2999, 5000, 65535})
    void invalidCloseCodes(int code) throws Exception {
        attack(1002, frame(0x88, new byte[] {(byte) (code >>> 8), (byte) code}));
    }

    @Test
    void closeReasonWithInvalidUtf8() throws Exception {
        attack(1007, frame(0x88, new byte[] {0x03, (byte) 0xE8, (byte) 0xC0, (byte) 0xAF}));
    }

    // Item 12 --------------------------------------------------------------------------------------

    @Test
    void continuationWithNoMessageStarted() throws Exception {
        attack(1002, frame(0x80, utf8("orphan")));
    }

    @Test
    void newDataFrameInsideAFragmentedMessage() throws Exception {
        attack(1002, concat(frame(0x01, utf8("first")), frame(0x81, utf8("second"))));
        attack(1002, concat(frame(0x02, new byte[3]), frame(0x01, utf8("x"))));
    }

    // Item 13 --------------------------------------------------------------------------------------

    @Test
    void endlessContinuationFrames() throws Exception {
        // CVE-2014-0193: a text frame then continuation frames without end. No fragment count is
        // capped (RFC 6455 sets none); the message size limit (256 KiB here) ends it.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(frame(0x01, utf8("a")));
        byte[] one = frame(0x00, utf8("a"));
        for (int i = 0; i < (256 << 10); i++) {
            b.write(one);
        }
        attack(1009, b.toByteArray());
    }

    @Test
    void aHundredThousandEmptyFragmentsAreOneMessage() throws Exception {
        // They cost what as many empty messages cost (FragmentFloodTest: 0 B each, against 168 B for
        // an empty message), so they are served, not refused: the message arrives whole.
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(frame(0x01, utf8("a")));
        byte[] empty = frame(0x00, new byte[0]);
        for (int i = 0; i < 100_000; i++) {
            b.write(empty);
        }
        b.write(frame(0x80, utf8("b")));
        try (RawClient c = target.upgraded()) {
            c.write(b.toByteArray());
            RawClient.Frame echo = c.readFrame();
            assertThat(echo.opcode()).isEqualTo(1);
            assertThat(echo.text()).isEqualTo("ab");
            c.close(1000, "");
            assertThat(Target.awaitCloseCode(c)).isEqualTo(1000);
        }
        assertThat(target.nextClose().code()).isEqualTo(1000);
    }

    @Test
    void fragmentsAddingUpPastTheMessageLimit() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(frame(0x02, new byte[60_000]));
        for (int i = 0; i < 6; i++) {
            b.write(frame(0x00, new byte[60_000]));
        }
        attack(1009, b.toByteArray());
    }

    // Item 14 --------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"C0AF", "E080AF", "F08080AF", "EDA080", "EDBFBF", "F4908080", "F5808080", "FF", "80",
        "E282", "F09F98"})
    void invalidUtf8InText(String bytes) throws Exception {
        attack(1007, frame(0x81, concat(utf8("ok "), hex(bytes))));
    }

    @Test
    void invalidUtf8SplitAcrossFragments() throws Exception {
        // U+D800 encoded as ED A0 80, split between frames.
        attack(1007, concat(frame(0x01, hex("61 ED")), frame(0x00, hex("A0")), frame(0x80, hex("80"))));
    }

    @Test
    void truncatedSequenceAtMessageEnd() throws Exception {
        attack(1007, concat(frame(0x01, hex("61 E2 82")), frame(0x80, new byte[0])));
    }

    @Test
    void invalidUtf8FailsBeforeTheMessageEnds() throws Exception {
        // Only the first fragment is sent: the server must not wait for the rest to fail it.
        attack(1007, frame(0x01, hex("61 C0 AF")));
    }

    // Item 15 --------------------------------------------------------------------------------------

    @Test
    void pingFlood() throws Exception {
        int n = 5000;
        try (RawClient c = target.upgraded()) {
            byte[] payload = new byte[125];
            CompletableFuture<Void> writer = Target.onNewThread(() -> {
                try {
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    for (int i = 0; i < n; i++) {
                        payload[0] = (byte) i;
                        b.write(frame(0x89, payload));
                    }
                    c.write(b.toByteArray());
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < n; i++) {
                RawClient.Frame f = c.readFrame();
                assertThat(f.opcode()).isEqualTo(10);
                assertThat(f.payload()).hasSize(125);
                assertThat(f.payload()[0]).isEqualTo((byte) i);
            }
            writer.get(60, TimeUnit.SECONDS);
            c.text("after the flood");
            assertThat(c.readFrame().text()).isEqualTo("after the flood");
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
        }
        target.nextClose();
    }

    @Test
    void unsolicitedPongFloodIsIgnored() throws Exception {
        try (RawClient c = target.upgraded()) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int i = 0; i < 20_000; i++) {
                b.write(frame(0x8A, new byte[125]));
            }
            b.write(frame(0x81, utf8("after the pongs")));
            c.write(b.toByteArray());
            RawClient.Frame f = c.readFrame();   // nothing answers the pongs
            assertThat(f.opcode()).isEqualTo(1);
            assertThat(f.text()).isEqualTo("after the pongs");
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
        }
        target.nextClose();
    }

    // Item 16 --------------------------------------------------------------------------------------

    @Test
    void oneBytePerSegmentForALargeFrame() throws Exception {
        byte[] payload = new byte[16 << 10];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) ('a' + i % 26);
        }
        byte[] f = frame(0x81, payload);
        try (RawClient c = target.upgraded()) {
            for (byte b : f) {
                c.write(new byte[] {b});
            }
            RawClient.Frame echo = c.readFrame();
            assertThat(echo.payload()).isEqualTo(payload);
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
        }
        target.nextClose();
    }

    // Items 17–18: permessage-deflate ----------------------------------------------------------------

    static RawClient upgradedWithDeflate() throws IOException {
        RawClient c = target.connect();
        c.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        String head = c.readHead();
        assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("permessage-deflate");
        return c;
    }

    /** Raw DEFLATE of {@code data} with the RFC 7692 7.2.1 tail (00 00 FF FF) removed. */
    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 << 10];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, n);
            if (n < buf.length) {
                break;
            }
        }
        d.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4);
    }

    @Test
    void compressedEchoWorks() throws Exception {
        try (RawClient c = upgradedWithDeflate()) {
            c.write(frame(0xC1, deflate(utf8("hello hello hello"))));
            RawClient.Frame f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(1);
            c.close(1000, "");
            assertThat(Target.awaitCloseCode(c)).isEqualTo(1000);
        }
        target.nextClose();
    }

    @Test
    void deflateBomb() throws Exception {
        // 16 MiB of zeros deflate to ~16 KiB: a small frame, far past the 256 KiB message limit once inflated.
        byte[] bomb = deflate(new byte[16 << 20]);
        assertThat(bomb.length).isLessThan((int) Target.LIMITS.maxFrameSize());
        attack(1009, frame(0xC2, bomb), true);
    }

    @Test
    void deflateBombSpreadOverFragments() throws Exception {
        byte[] bomb = deflate(new byte[16 << 20]);
        int half = bomb.length / 2;
        attack(1009, concat(frame(0x42, Arrays.copyOf(bomb, half)),
                frame(0x80, Arrays.copyOfRange(bomb, half, bomb.length))), true);
    }

    @Test
    void rsv1OnAControlFrame() throws Exception {
        attack(1002, frame(0xC9, new byte[0]), true);
        attack(1002, frame(0xCA, new byte[0]), true);
        attack(1002, frame(0xC8, new byte[] {0x03, (byte) 0xE8}), true);
    }

    @Test
    void rsv1OnAContinuationFrame() throws Exception {
        attack(1002, concat(frame(0x41, deflate(utf8("ab"))), frame(0xC0, new byte[] {0x00})), true);
    }

    @Test
    void rsv2AndRsv3AreStillReservedWithDeflate() throws Exception {
        attack(1002, frame(0xE1, deflate(utf8("x"))), true);
    }

    @Test
    void corruptDeflateStream() throws Exception {
        attack(1007, frame(0xC1, hex("FF FF FF FF FF FF")), true);
        attack(1007, frame(0xC2, hex("07 00 00 00")), true);   // reserved block type 3
    }

    @Test
    void compressedTextThatInflatesToInvalidUtf8() throws Exception {
        attack(1007, frame(0xC1, deflate(hex("61 C0 AF 62"))), true);
    }
}
