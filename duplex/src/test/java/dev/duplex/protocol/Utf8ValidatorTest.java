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
}
