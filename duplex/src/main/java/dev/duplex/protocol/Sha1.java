package dev.duplex.protocol;

import java.util.Arrays;

/**
 * SHA-1 (FIPS 180-4) of a message held in the caller's array, for the opening handshake's accept
 * key (RFC 6455 4.2.2), hashed in place: a cloned {@code MessageDigest} costs about 600 bytes of
 * garbage per handshake (its state, buffer, 80-word schedule and output), this one 16-word schedule.
 * Not for security: the accept key only proves the server read the handshake.
 */
final class Sha1 {

    /** Bytes of the digest. */
    static final int LENGTH = 20;

    private Sha1() {
    }

    /** The size of a {@code length}-byte message once padded: whole 64-byte blocks. */
    static int paddedLength(int length) {
        return (length + 72) / 64 * 64;
    }

    /**
     * Hashes {@code buf[0, length)}: pads it in place ({@code buf} has room for
     * {@link #paddedLength}) and writes the digest over {@code buf[0, 20)}.
     */
    static void digestInPlace(byte[] buf, int length) {
        int total = paddedLength(length);
        buf[length] = (byte) 0x80;
        Arrays.fill(buf, length + 1, total - 8, (byte) 0);
        long bits = (long) length << 3;
        for (int i = 0; i < 8; i++) {
            buf[total - 1 - i] = (byte) (bits >>> (8 * i));
        }
        int h0 = 0x67452301;
        int h1 = 0xEFCDAB89;
        int h2 = 0x98BADCFE;
        int h3 = 0x10325476;
        int h4 = 0xC3D2E1F0;
        int[] w = new int[16];   // the schedule, rolling: w[t & 15] is W(t)
        for (int block = 0; block < total; block += 64) {
            for (int t = 0; t < 16; t++) {
                w[t] = getInt(buf, block + 4 * t);
            }
            int a = h0;
            int b = h1;
            int c = h2;
            int d = h3;
            int e = h4;
            for (int t = 0; t < 80; t++) {
                int s = t & 15;
                if (t >= 16) {
                    // W(t) = ROTL1(W(t-3) ^ W(t-8) ^ W(t-14) ^ W(t-16))
                    w[s] = Integer.rotateLeft(w[(s + 13) & 15] ^ w[(s + 8) & 15] ^ w[(s + 2) & 15] ^ w[s], 1);
                }
                int f;
                int k;
                if (t < 20) {
                    f = (b & c) | (~b & d);
                    k = 0x5A827999;
                } else if (t < 40) {
                    f = b ^ c ^ d;
                    k = 0x6ED9EBA1;
                } else if (t < 60) {
                    f = (b & c) | (b & d) | (c & d);
                    k = 0x8F1BBCDC;
                } else {
                    f = b ^ c ^ d;
                    k = 0xCA62C1D6;
                }
                int next = Integer.rotateLeft(a, 5) + f + e + k + w[s];
                e = d;
                d = c;
                c = Integer.rotateLeft(b, 30);
                b = a;
                a = next;
            }
            h0 += a;
            h1 += b;
            h2 += c;
            h3 += d;
            h4 += e;
        }
        putInt(buf, 0, h0);
        putInt(buf, 4, h1);
        putInt(buf, 8, h2);
        putInt(buf, 12, h3);
        putInt(buf, 16, h4);
    }

    private static int getInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
