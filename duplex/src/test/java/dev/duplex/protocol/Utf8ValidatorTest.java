package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 3629 validation, incremental, failing at the first invalid byte; checked against the JDK. */
class Utf8ValidatorTest {

    static boolean jdkValid(byte[] b) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            d.decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    @Test
    void agreesWithTheJdkOnEveryOneAndTwoByteInput() {
        java.util.List<String> disagreements = new java.util.ArrayList<>();
        for (int a = 0; a < 256; a++) {
            byte[] one = {(byte) a};
            check(one, disagreements);
            for (int b = 0; b < 256; b++) {
                check(new byte[] {(byte) a, (byte) b}, disagreements);
            }
        }
        assertThat(disagreements).isEmpty();
    }

    @Test
    void agreesWithTheJdkOnThreeAndFourByteBoundaries() {
        int[] tails = {0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xff};
        java.util.List<String> disagreements = new java.util.ArrayList<>();
        for (int lead = 0xc0; lead < 0x100; lead++) {
            for (int b1 : tails) {
                for (int b2 : tails) {
                    check(new byte[] {(byte) lead, (byte) b1, (byte) b2}, disagreements);
                    for (int b3 : tails) {
                        check(new byte[] {(byte) lead, (byte) b1, (byte) b2, (byte) b3}, disagreements);
                    }
                }
            }
        }
        assertThat(disagreements).isEmpty();
    }

    private static void check(byte[] b, java.util.List<String> disagreements) {
        if (Utf8Validator.isValid(b, 0, b.length) != jdkValid(b)) {
            disagreements.add(Hex.of(b));
        }
    }

    @ParameterizedTest(name = "{0} fails at {1}")
    @CsvSource({
        "ff, 0",
        "68656c6c6fff, 5",                        // after ASCII
        "6162636465666768696a6b6c6d6e6f70ff, 16", // after two 8-byte ASCII words
        "61626364656667ff6162636465666768, 7",    // inside the first word
        "cebae1bdb9cf83cebcceb5eda080, 12",       // κόσμε then a surrogate: fails at its 2nd byte
        "f4908080, 1",                            // past U+10FFFF: fails at the 2nd byte
        "e080af, 1",                              // overlong: fails at the 2nd byte
        "c0af, 0",                                // C0 can never start a sequence
        "e28261, 2",                              // truncated sequence followed by ASCII
    })
    void failsAtTheFirstInvalidByte(String hex, int index) {
        byte[] b = Hex.bytes(hex);
        assertThat(new Utf8Validator().validate(b, 0, b.length)).isEqualTo(index);
    }

    @Test
    void validatesAcrossPiecesSplitAnywhere() {
        byte[] b = "a€𝄞é".getBytes(StandardCharsets.UTF_8); // 1-, 3-, 4- and 2-byte characters
        for (int split = 0; split <= b.length; split++) {
            Utf8Validator v = new Utf8Validator();
            assertThat(v.validate(b, 0, split)).isEqualTo(-1);
            assertThat(v.isComplete()).isEqualTo(split != 2 && split != 3 && split != 5 && split != 6
                    && split != 7 && split != 9);
            assertThat(v.validate(b, split, b.length - split)).isEqualTo(-1);
            assertThat(v.isComplete()).isTrue();
        }
    }

    @Test
    void invalidContinuationInTheSecondPieceIsReportedAtItsIndex() {
        byte[] b = Hex.bytes("61f0 9f41"); // F0 9F then 'A' instead of a continuation byte
        Utf8Validator v = new Utf8Validator();
        assertThat(v.validate(b, 0, 2)).isEqualTo(-1);
        assertThat(v.validate(b, 2, 2)).isEqualTo(3);
    }

    @Test
    void longAsciiRunsAndTheirOffsets() {
        byte[] b = new byte[100];
        java.util.Arrays.fill(b, (byte) 'x');
        for (int i = 0; i < 100; i++) {
            b[i] = (byte) 0x80;
            for (int off = 0; off <= i; off++) {
                assertThat(new Utf8Validator().validate(b, off, 100 - off)).isEqualTo(i);
            }
            b[i] = 'x';
        }
    }

    /**
     * The validator's fast paths (32- and 8-byte ASCII words, whole code points) against a plain
     * byte-at-a-time reference, on random text that mixes ASCII runs, every sequence length and
     * near-miss bytes, read from arrays at an offset, heap buffers with an array offset and direct
     * buffers, whole and in two pieces split at every point: the same first invalid index and the
     * same completeness.
     */
    @Test
    void fastPathsAgreeWithAByteAtATimeReference() {
        java.util.Random random = new java.util.Random(7);
        int[][] units = {
            {'a'}, {'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q'},
            {0xC3, 0xA9}, {0xDF, 0xBF}, {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF}, {0xE4, 0xB8, 0xAD},
            {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}, {0xF0, 0x9F, 0x98, 0x80},
        };
        int[] bad = {0x80, 0xBF, 0xC0, 0xC1, 0xF5, 0xFF, 0xE0, 0xED, 0xF0, 0xF4, 0x9F, 0xA0, 0x8F, 0x90, 0x41};
        int failures = 0;
        for (int round = 0; round < 3000; round++) {
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            int length = random.nextInt(90);
            while (text.size() < length) {
                for (int u : units[random.nextInt(units.length)]) {
                    text.write(u);
                }
            }
            byte[] b = text.toByteArray();
            if (random.nextInt(3) > 0 && b.length > 0) { // corrupt one byte
                b[random.nextInt(b.length)] = (byte) bad[random.nextInt(bad.length)];
            }
            int expected = reference(b, 0, b.length)[0];
            boolean complete = expected < 0 && reference(b, 0, b.length)[1] == 1;
            failures += expected >= 0 ? 1 : 0;
            int off = random.nextInt(9);
            byte[] padded = new byte[off + b.length + 3];
            System.arraycopy(b, 0, padded, off, b.length);
            ByteBuffer direct = ByteBuffer.allocateDirect(padded.length).put(padded).clear();
            byte[] shifted = new byte[padded.length + 1];
            System.arraycopy(padded, 0, shifted, 1, padded.length);
            ByteBuffer heap = ByteBuffer.wrap(shifted, 1, padded.length).slice(); // array offset 1
            assertThat(heap.arrayOffset()).isEqualTo(1);
            for (int split = 0; split <= b.length; split++) {
                for (int kind = 0; kind < 3; kind++) {
                    Utf8Validator v = new Utf8Validator();
                    int r = piece(v, kind, padded, heap, direct, off, split);
                    if (r < 0) {
                        r = piece(v, kind, padded, heap, direct, off + split, b.length - split);
                    }
                    int got = r < 0 ? -1 : r - off;
                    assertThat(got).as("%s split %d kind %d", Hex.of(b), split, kind).isEqualTo(expected);
                    if (got < 0) {
                        assertThat(v.isComplete()).as("%s complete", Hex.of(b)).isEqualTo(complete);
                    }
                }
            }
        }
        assertThat(failures).isBetween(1000, 2500); // both outcomes well represented
    }

    private static int piece(Utf8Validator v, int kind, byte[] array, ByteBuffer heap, ByteBuffer direct, int at, int n) {
        return switch (kind) {
            case 0 -> v.validate(array, at, n);
            case 1 -> v.validate(direct, at, n);
            default -> v.validate(heap, at, n);
        };
    }

    /** {first invalid index or -1, 1 if it ends on a code point boundary}, one byte at a time. */
    private static int[] reference(byte[] b, int off, int len) {
        int need = 0;
        int low = 0x80;
        int high = 0xBF;
        for (int i = off; i < off + len; i++) {
            int c = b[i] & 0xFF;
            if (need > 0) {
                if (c < low || c > high) {
                    return new int[] {i, 0};
                }
                need--;
                low = 0x80;
                high = 0xBF;
            } else if (c >= 0x80) {
                if (c < 0xC2 || c > 0xF4) {
                    return new int[] {i, 0};
                }
                need = c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
                low = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
                high = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
            }
        }
        return new int[] {-1, need == 0 ? 1 : 0};
    }
}
