package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** RFC 6455 5.3: the word-at-a-time masking equals the byte-at-a-time definition. */
class MaskingTest {

    static byte[] reference(byte[] in, int off, int len, int key, int phase) {
        byte[] out = new byte[len];
        for (int i = 0; i < len; i++) {
            int j = (i + phase) & 3;
            out[i] = (byte) (in[off + i] ^ (key >>> (24 - 8 * j)));
        }
        return out;
    }

    @Test
    void everyLengthOffsetAndPhaseMatchesTheDefinition() {
        byte[] in = FrameEncoderTest.pattern(64);
        int key = 0x9a3c57e1;
        for (int off = 0; off < 9; off++) {
            for (int len = 0; len <= 40; len++) {
                for (int phase = 0; phase < 4; phase++) {
                    byte[] expected = reference(in, off, len, key, phase);
                    byte[] a = new byte[len];
                    Masking.copyMasked(in, off, a, 0, len, key, phase);
                    assertThat(a).isEqualTo(expected);
                    for (ByteBuffer src : buffers(in)) {
                        byte[] b = new byte[len + 3];
                        Masking.copyMasked(src, off, b, 3, len, key, phase);
                        assertThat(java.util.Arrays.copyOfRange(b, 3, len + 3))
                                .as("%s off=%d len=%d phase=%d", src, off, len, phase).isEqualTo(expected);
                    }
                }
            }
        }
    }

    @Test
    void maskingTwiceRestores() {
        byte[] in = FrameEncoderTest.pattern(1000);
        byte[] a = in.clone();
        Masking.mask(a, 0, a.length, 0x12345678, 0);
        assertThat(a).isNotEqualTo(in);
        Masking.mask(a, 0, a.length, 0x12345678, 0);
        assertThat(a).isEqualTo(in);
    }

    private static ByteBuffer[] buffers(byte[] in) {
        ByteBuffer direct = ByteBuffer.allocateDirect(in.length).put(in).flip();
        ByteBuffer directLe = ByteBuffer.allocateDirect(in.length).put(in).flip().order(ByteOrder.LITTLE_ENDIAN);
        return new ByteBuffer[] {ByteBuffer.wrap(in), ByteBuffer.wrap(in).asReadOnlyBuffer(), direct, directLe};
    }
}
