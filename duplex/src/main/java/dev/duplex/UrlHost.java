package dev.duplex;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The URL Standard's host parser (§host-parsing) for special URLs: IPv6 literals, domain to ASCII
 * (IDNA), forbidden code points, IPv4 in all its numeric forms, and their serialisations. Used by
 * {@link WebSocketUrl}, which parses the rest of the URL.
 */
final class UrlHost {

    private UrlHost() {}


    /** The serialised host, or null on failure. */
    static String parseHost(String input) {
        if (input.startsWith("[")) {
            if (!input.endsWith("]") || input.length() < 2) {
                return null;
            }
            int[] pieces = parseIpv6(input.substring(1, input.length() - 1));
            return pieces == null ? null : "[" + serialiseIpv6(pieces) + "]";
        }
        String domain = percentDecodeUtf8(input);
        if (domain == null) {
            return null;
        }
        String ascii = domainToAscii(domain);
        if (ascii == null || ascii.isEmpty()) {
            return null;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (isForbiddenDomainCodePoint(ascii.charAt(i))) {
                return null;
            }
        }
        if (endsInANumber(ascii)) {
            long v4 = parseIpv4(ascii);
            return v4 < 0 ? null : serialiseIpv4(v4);
        }
        return ascii;
    }

    private static String percentDecodeUtf8(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
                out.write(hex(raw[i + 1]) << 4 | hex(raw[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        // UTF-8 decode without BOM; an invalid sequence becomes U+FFFD, which domain-to-ASCII rejects.
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    private static int hex(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** Domain to ASCII: plain ASCII is lower-cased; anything else goes through IDNA. Null on failure. */
    private static String domainToAscii(String domain) {
        boolean ascii = true;
        for (int i = 0; i < domain.length(); i++) {
            if (domain.charAt(i) >= 0x80) {
                ascii = false;
                break;
            }
        }
        String lower = domain.toLowerCase(Locale.ROOT);
        if (ascii && !lower.startsWith("xn--") && !lower.contains(".xn--")) {
            return lower;
        }
        if (domain.indexOf('\uFFFD') >= 0) {
            return null;
        }
        try {
            // UTS 46 maps the ideographic and fullwidth full stops to '.', as IDN does.
            String out = IDN.toASCII(domain, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            if (out.contains("xn--")) {
                for (String label : out.split("\\.", -1)) {
                    if (label.startsWith("xn--")) {
                        if (!validPunycode(label.substring(4))) {
                            return null;
                        }
                    }
                }
            }
            return out;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean validPunycode(String s) {
        if (s.isEmpty()) {
            return false;
        }
        try {
            String decoded = IDN.toUnicode("xn--" + s, IDN.ALLOW_UNASSIGNED);
            return !decoded.startsWith("xn--");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isForbiddenDomainCodePoint(char c) {
        if (c <= 0x1f || c == 0x7f) {
            return true;
        }
        return switch (c) {
            case ' ', '#', '%', '/', ':', '<', '>', '?', '@', '[', '\\', ']', '^', '|' -> true;
            default -> false;
        };
    }

    /** URL Standard §ends-in-a-number-checker. */
    private static boolean endsInANumber(String s) {
        List<String> parts = new ArrayList<>(List.of(s.split("\\.", -1)));
        if (parts.get(parts.size() - 1).isEmpty()) {
            if (parts.size() == 1) {
                return false;
            }
            parts.remove(parts.size() - 1);
        }
        String last = parts.get(parts.size() - 1);
        if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return true;
        }
        return parseIpv4Number(last) != null;
    }

    /** URL Standard §concept-ipv4-parser; the address, or -1 on failure. */
    private static long parseIpv4(String s) {
        List<String> parts = new ArrayList<>(List.of(s.split("\\.", -1)));
        if (parts.get(parts.size() - 1).isEmpty() && parts.size() > 1) {
            parts.remove(parts.size() - 1);
        }
        if (parts.size() > 4) {
            return -1;
        }
        List<BigInteger> numbers = new ArrayList<>();
        for (String part : parts) {
            BigInteger n = parseIpv4Number(part);
            if (n == null) {
                return -1;
            }
            numbers.add(n);
        }
        BigInteger b255 = BigInteger.valueOf(255);
        for (int i = 0; i < numbers.size() - 1; i++) {
            if (numbers.get(i).compareTo(b255) > 0) {
                return -1;
            }
        }
        BigInteger last = numbers.get(numbers.size() - 1);
        if (last.compareTo(BigInteger.valueOf(256).pow(5 - numbers.size())) >= 0) {
            return -1;
        }
        long v = last.longValue();
        for (int i = 0; i < numbers.size() - 1; i++) {
            v += numbers.get(i).longValue() << (8 * (3 - i));
        }
        return v;
    }

    /** URL Standard §ipv4-number-parser: decimal, 0x hex, or 0-prefixed octal; null on failure. */
    private static BigInteger parseIpv4Number(String s) {
        if (s.isEmpty()) {
            return null;
        }
        int radix = 10;
        if (s.length() >= 2 && (s.startsWith("0x") || s.startsWith("0X"))) {
            radix = 16;
            s = s.substring(2);
        } else if (s.length() >= 2 && s.charAt(0) == '0') {
            radix = 8;
            s = s.substring(1);
        }
        if (s.isEmpty()) {
            return BigInteger.ZERO;
        }
        for (int i = 0; i < s.length(); i++) {
            if (Character.digit(s.charAt(i), radix) < 0 || s.charAt(i) > 0x7f) {
                return null;
            }
        }
        return new BigInteger(s, radix);
    }

    private static String serialiseIpv4(long v) {
        return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
    }

    /** URL Standard §concept-ipv6-parser; eight 16-bit pieces, or null on failure. */
    static int[] parseIpv6(String in) {
        int[] address = new int[8];
        int pieceIndex = 0;
        int compress = -1;
        int p = 0;
        int n = in.length();
        if (p < n && in.charAt(p) == ':') {
            if (p + 1 >= n || in.charAt(p + 1) != ':') {
                return null;
            }
            p += 2;
            pieceIndex++;
            compress = pieceIndex;
        }
        while (p < n) {
            if (pieceIndex == 8) {
                return null;
            }
            if (in.charAt(p) == ':') {
                if (compress != -1) {
                    return null;
                }
                p++;
                pieceIndex++;
                compress = pieceIndex;
                continue;
            }
            int value = 0;
            int length = 0;
            while (length < 4 && p < n && hex(in.charAt(p)) >= 0) {
                value = value * 16 + hex(in.charAt(p));
                p++;
                length++;
            }
            if (p < n && in.charAt(p) == '.') {
                if (length == 0) {
                    return null;
                }
                p -= length;
                if (pieceIndex > 6) {
                    return null;
                }
                int numbersSeen = 0;
                while (p < n) {
                    int ipv4Piece = -1;
                    if (numbersSeen > 0) {
                        if (in.charAt(p) == '.' && numbersSeen < 4) {
                            p++;
                        } else {
                            return null;
                        }
                    }
                    if (p >= n || in.charAt(p) < '0' || in.charAt(p) > '9') {
                        return null;
                    }
                    while (p < n && in.charAt(p) >= '0' && in.charAt(p) <= '9') {
                        int number = in.charAt(p) - '0';
                        if (ipv4Piece == -1) {
                            ipv4Piece = number;
                        } else if (ipv4Piece == 0) {
                            return null;
                        } else {
                            ipv4Piece = ipv4Piece * 10 + number;
                        }
                        if (ipv4Piece > 255) {
                            return null;
                        }
                        p++;
                    }
                    address[pieceIndex] = address[pieceIndex] * 0x100 + ipv4Piece;
                    numbersSeen++;
                    if (numbersSeen == 2 || numbersSeen == 4) {
                        pieceIndex++;
                    }
                }
                if (numbersSeen != 4) {
                    return null;
                }
                break;
            } else if (p < n && in.charAt(p) == ':') {
                p++;
                if (p >= n) {
                    return null;
                }
            } else if (p < n) {
                return null;
            }
            address[pieceIndex] = value;
            pieceIndex++;
        }
        if (compress != -1) {
            int swaps = pieceIndex - compress;
            pieceIndex = 7;
            while (pieceIndex != 0 && swaps > 0) {
                int t = address[pieceIndex];
                address[pieceIndex] = address[compress + swaps - 1];
                address[compress + swaps - 1] = t;
                pieceIndex--;
                swaps--;
            }
        } else if (pieceIndex != 8) {
            return null;
        }
        return address;
    }

    /** URL Standard §concept-ipv6-serializer: lower-case hex, the first longest run of 2+ zeros as "::". */
    static String serialiseIpv6(int[] a) {
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (a[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && a[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder b = new StringBuilder();
        boolean ignore0 = false;
        for (int i = 0; i < 8; i++) {
            if (ignore0 && a[i] == 0) {
                continue;
            }
            ignore0 = false;
            if (i == bestStart) {
                b.append(i == 0 ? "::" : ":");
                ignore0 = true;
                continue;
            }
            b.append(Integer.toHexString(a[i]));
            if (i != 7) {
                b.append(':');
            }
        }
        return b.toString();
    }
}
