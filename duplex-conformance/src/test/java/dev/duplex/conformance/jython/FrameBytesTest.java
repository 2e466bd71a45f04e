package dev.duplex.conformance.jython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.python.core.PyString;

/** The frames autobahn's sendFrame would build, here built by {@link FrameBytes} (RFC 6455 5.2, 5.3, 5.7). */
class FrameBytesTest {
    private static final HexFormat HEX = HexFormat.of();

    private static PyString bytes(String hex) {
        byte[] b = HEX.parseHex(hex);
        return ByteStrings.str(b, b.length);
    }

    private static String hex(PyString s) {
        String v = s.getString();
        byte[] b = new byte[v.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) v.charAt(i);
        }
        return HEX.formatHex(b);
    }

    private static final String HELLO = "48656c6c6f";

    @Test
    void unmaskedTextHello() {
        assertEquals("8105" + HELLO, hex(FrameBytes.frame(1, bytes(HELLO), true, 0, null, true)));
    }

    @Test
    void maskedTextHelloAsInRfc6455Section57() {
        PyString key = bytes("37fa213d");
        assertEquals("818537fa213d7f9f4d5158", hex(FrameBytes.frame(1, bytes(HELLO), true, 0, key, true)));
        // autobahn's applyMask = False: masked header and key, payload left as it is
        assertEquals("818537fa213d" + HELLO, hex(FrameBytes.frame(1, bytes(HELLO), true, 0, key, false)));
    }

    @Test
    void fragmentsCompressionBitAndControlOpcodes() {
        assertEquals("010348656c", hex(FrameBytes.frame(1, bytes("48656c"), false, 0, null, true)));
        assertEquals("80026c6f", hex(FrameBytes.frame(0, bytes("6c6f"), true, 0, null, true)));
        assertEquals("c105" + HELLO, hex(FrameBytes.frame(1, bytes(HELLO), true, 4, null, true))); // RSV1: permessage-deflate
        assertEquals("8900", hex(FrameBytes.frame(9, bytes(""), true, 0, null, true))); // empty ping
        // autobahn takes rsv modulo 8 and opcode modulo 128
        assertEquals("c0" + "00", hex(FrameBytes.frame(128, bytes(""), true, 12, null, true)));
    }

    @Test
    void lengthEncodingsAt125To127AndPast65535() {
        assertEquals("827d", hex(FrameBytes.frame(2, bytes("00".repeat(125)), true, 0, null, true)).substring(0, 4));
        assertEquals("827e007e", hex(FrameBytes.frame(2, bytes("00".repeat(126)), true, 0, null, true)).substring(0, 8));
        assertEquals("827effff", hex(FrameBytes.frame(2, bytes("00".repeat(65535)), true, 0, null, true)).substring(0, 8));
        String big = hex(FrameBytes.frame(2, bytes("00".repeat(65536)), true, 0, null, true));
        assertEquals("827f0000000000010000", big.substring(0, 20));
        assertEquals(2 * (10 + 65536), big.length());
        // a 256-byte fragment as the fragmented cases send it, masked: 16-bit length, key, payload
        String masked = hex(FrameBytes.frame(0, bytes("ff".repeat(256)), false, 0, bytes("01020304"), true));
        assertEquals("00fe0100" + "01020304" + "fefdfcfb", masked.substring(0, 24));
    }

    @Test
    void randomMasksAreFourBytesAndVary() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            PyString key = FrameBytes.randomMask();
            assertEquals(4, key.getString().length());
            seen.add(key.getString());
        }
        assertNotEquals(1, seen.size());
    }
}
