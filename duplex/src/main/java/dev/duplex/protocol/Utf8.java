package dev.duplex.protocol;

import java.nio.charset.StandardCharsets;

/**
 * How a Java {@code String} becomes UTF-8 on the wire, everywhere in Duplex: every lone surrogate
 * becomes U+FFFD (three bytes), as WebIDL's USVString conversion says and browsers do. Java's
 * {@code getBytes(UTF_8)} alone would write {@code '?'} (one byte), which would make sizes (the
 * close reason's 123-byte limit, {@code bufferedAmount}) disagree with what is sent.
 */
public final class Utf8 {

    private Utf8() {
    }

    /** WebIDL §idl-USVString: {@code s} with every lone surrogate replaced by U+FFFD. */
    public static String toUsv(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        if (i == n) {
            return s; // the common case: no surrogates at all
        }
        StringBuilder b = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            b.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            i++;
        }
        return b.toString();
    }

    /** The UTF-8 bytes of the USVString conversion of {@code s}. */
    public static byte[] encode(String s) {
        return toUsv(s).getBytes(StandardCharsets.UTF_8);
    }

    /** The length in bytes of {@link #encode(String)}, without allocating. */
    public static long encodedLength(String s) {
        long len = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                len += 1;
            } else if (c < 0x800) {
                len += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else {
                len += 3; // BMP character, or a lone surrogate that becomes U+FFFD
            }
        }
        return len;
    }

    /** {@code s} cut to at most {@code maxBytes} UTF-8 bytes without splitting a code point. */
    public static String truncate(String s, int maxBytes) {
        byte[] b = encode(s);
        if (b.length <= maxBytes) {
            return s;
        }
        int end = maxBytes;
        while (end > 0 && (b[end] & 0xC0) == 0x80) {
            end--; // do not cut a code point
        }
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
