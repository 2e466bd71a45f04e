package dev.duplex.bench;

import java.nio.charset.StandardCharsets;

/** Deterministic payloads for the micro-benchmarks (no randomness: runs are comparable). */
final class BenchData {

    private BenchData() {
    }

    /** {@code size} bytes of a repeating, non-trivial byte pattern. */
    static byte[] binary(int size) {
        byte[] b = new byte[size];
        int x = 0x12345678;
        for (int i = 0; i < size; i++) {
            x = x * 1103515245 + 12345;     // fixed LCG: reproducible, not compressible to nothing
            b[i] = (byte) (x >>> 16);
        }
        return b;
    }

    /** ASCII text of exactly {@code size} bytes. */
    static byte[] ascii(int size) {
        return cut("The quick brown fox jumps over the lazy dog; {\"id\":42,\"name\":\"duplex\"} ", size, false);
    }

    /**
     * Valid UTF-8 of at most {@code size} bytes (no code point cut), mixing 1-, 2-, 3- and 4-byte
     * sequences: Latin-1 accents, Cyrillic, CJK and an emoji.
     */
    static byte[] multibyte(int size) {
        return cut("h\u00e9llo w\u00f6rld \u0436\u0443\u0440\u043d\u0430\u043b \u4e2d\u6587\u5b57 \ud83d\ude00 ", size, true);
    }

    /** JSON-like chat text, typical of what permessage-deflate compresses. */
    static byte[] chatText(int size) {
        return cut("{\"type\":\"message\",\"room\":\"general\",\"user\":\"alice\",\"text\":\"hello everyone, "
                + "how is the benchmark going today?\",\"ts\":1732233600} ", size, false);
    }

    private static byte[] cut(String unit, int size, boolean atCodePoint) {
        StringBuilder sb = new StringBuilder();
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < size + 8) {
            sb.append(unit);
        }
        byte[] all = sb.toString().getBytes(StandardCharsets.UTF_8);
        int n = size;
        if (atCodePoint) {
            while (n > 0 && n < all.length && (all[n] & 0xC0) == 0x80) {
                n--;    // do not end inside a multi-byte sequence
            }
        }
        byte[] out = new byte[n];
        System.arraycopy(all, 0, out, 0, n);
        return out;
    }
}
