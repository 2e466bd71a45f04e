package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Sha1Test {

    private static byte[] sha1(byte[] message) {
        byte[] buf = Arrays.copyOf(message, Sha1.paddedLength(message.length));
        Sha1.digestInPlace(buf, message.length);
        return Arrays.copyOf(buf, Sha1.LENGTH);
    }

    @Test
    void fipsExamples() {
        // FIPS 180-4 / RFC 3174 test vectors: one block, two blocks, the empty message.
        assertThat(HexFormat.of().formatHex(sha1("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
        assertThat(HexFormat.of().formatHex(sha1(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("84983e441c3bd26ebaae4aa1f95129e5e54670f1");
        assertThat(HexFormat.of().formatHex(sha1(new byte[0])))
                .isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
    }

    @Test
    void agreesWithTheJdkAtEveryLengthAroundTheBlockEdges() throws Exception {
        SplittableRandom random = new SplittableRandom(6455);
        for (int length = 0; length <= 300; length++) {
            byte[] message = new byte[length];
            random.nextBytes(message);
            assertThat(sha1(message)).as("length %d", length)
                    .isEqualTo(MessageDigest.getInstance("SHA-1").digest(message));
        }
    }

    @Test
    void acceptKeyAgreesWithTheJdkForAnyKey() throws Exception {
        SplittableRandom random = new SplittableRandom(4222);
        for (int i = 0; i < 500; i++) {
            byte[] nonce = new byte[random.nextInt(0, 40)];
            random.nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            byte[] expected = MessageDigest.getInstance("SHA-1")
                    .digest((key + ServerHandshake.GUID).getBytes(StandardCharsets.US_ASCII));
            assertThat(ServerHandshake.acceptKey(key)).as(key).isEqualTo(Base64.getEncoder().encodeToString(expected));
        }
    }
}
