package dev.duplex.conformance.jython;

import java.util.concurrent.ThreadLocalRandom;
import org.python.core.PyObject;
import org.python.core.PyString;

/**
 * The byte work of {@code autobahn.websocket.WebSocketProtocol.sendFrame} (AutobahnPython 0.6.4) for
 * the Autobahn fuzzer running on Jython: the RFC 6455 section 5.2 header (FIN, RSV, opcode, MASK bit,
 * 7/16/64-bit payload length), the masking key and the masked payload, as one Python byte string.
 * In Python that is two {@code struct.pack} calls, a masker object, {@code chr} twice and a join for
 * every frame; the fragmented cases of sections 12 and 13 send up to 512 frames per message.
 */
public final class FrameBytes {
    private FrameBytes() {}

    /** A random masking key (RFC 6455 5.3), as the 4-byte string autobahn builds with {@code struct.pack("!I", ...)}. */
    public static PyString randomMask() {
        int key = ThreadLocalRandom.current().nextInt();
        return ByteStrings.str(new byte[] {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key}, 4);
    }

    /**
     * {@code chr(b0) + chr(b1) + extended length + mask + masked payload}, exactly as autobahn's
     * {@code sendFrame} joins them when it generates the mask itself: {@code mask} is the key to write
     * and apply (null for an unmasked frame); {@code applyMask} false sends the payload unmasked
     * behind a masked header, autobahn's {@code applyMask} switch.
     */
    public static PyString frame(int opcode, PyObject payload, boolean fin, int rsv, PyString mask, boolean applyMask) {
        String p = ByteStrings.of(payload);
        int length = p.length();
        int header = 2 + (length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8) + (mask != null ? 4 : 0);
        byte[] out = new byte[header + length];
        out[0] = (byte) ((fin ? 0x80 : 0) | (Math.floorMod(rsv, 8) << 4) | Math.floorMod(opcode, 128));
        int b1 = mask != null ? 0x80 : 0;
        int i = 2;
        if (length <= 125) {
            b1 |= length;
        } else if (length <= 0xFFFF) {
            b1 |= 126;
            out[i++] = (byte) (length >>> 8);
            out[i++] = (byte) length;
        } else {
            b1 |= 127;
            for (int shift = 56; shift >= 0; shift -= 8) {
                out[i++] = (byte) ((long) length >>> shift);
            }
        }
        out[1] = (byte) b1;
        byte[] key = new byte[4];
        if (mask != null) {
            String k = mask.getString();
            if (k.length() != 4) {
                throw new IllegalArgumentException("masking key must be 4 bytes, got " + k.length());
            }
            for (int k4 = 0; k4 < 4; k4++) {
                key[k4] = (byte) k.charAt(k4);
                out[i++] = key[k4];
            }
        }
        boolean xor = mask != null && applyMask;
        for (int j = 0; j < length; j++) {
            out[i + j] = (byte) (xor ? p.charAt(j) ^ key[j & 3] : p.charAt(j));
        }
        return ByteStrings.str(out, out.length);
    }
}
