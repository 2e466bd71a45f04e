package dev.duplex.bench.load;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * A fixed set of pre-built client frames for one workload: each variant has its own payload
 * bytes and its own masking key, built once, so sending costs a copy and not a masking pass.
 * The generator cycles the variants per connection and checks each echo against the variant
 * it sent. Buffers are direct so large frames go to the socket without a JDK bounce copy.
 */
final class Frames {
    static final int OP_TEXT = 1;
    static final int OP_BINARY = 2;

    final int opcode;
    final int payloadSize;
    final ByteBuffer[] masked;   // full client frame: header, mask key, masked payload
    final ByteBuffer[] payload;  // the unmasked payload the echo must carry
    final byte[][] payloadHeap;  // the same, on the heap, for the small-message compare loop

    Frames(int payloadSize, boolean binary, int variants, long seed) {
        this.opcode = binary ? OP_BINARY : OP_TEXT;
        this.payloadSize = payloadSize;
        this.masked = new ByteBuffer[variants];
        this.payload = new ByteBuffer[variants];
        this.payloadHeap = payloadSize <= 4096 ? new byte[variants][] : null;
        SplittableRandom random = new SplittableRandom(seed);
        for (int v = 0; v < variants; v++) {
            byte[] p = new byte[payloadSize];
            if (binary) {
                random.nextBytes(p);
            } else {
                for (int i = 0; i < p.length; i++) {
                    p[i] = (byte) ('!' + random.nextInt(94)); // printable ASCII: valid UTF-8
                }
            }
            int mask = random.nextInt();
            if (payloadHeap != null) {
                payloadHeap[v] = p;
            }
            payload[v] = ByteBuffer.allocateDirect(payloadSize).put(p).flip();
            masked[v] = encode(opcode, p, mask);
        }
    }

    int variants() {
        return masked.length;
    }

    int frameLength() {
        return masked[0].remaining();
    }

    /** RFC 6455 5.2: FIN + opcode, MASK bit + minimal length encoding, 4-byte key, masked payload. */
    static ByteBuffer encode(int opcode, byte[] p, int mask) {
        int len = p.length;
        int header = 2 + (len < 126 ? 0 : len <= 0xFFFF ? 2 : 8) + 4;
        ByteBuffer b = ByteBuffer.allocateDirect(header + len).order(ByteOrder.BIG_ENDIAN);
        b.put((byte) (0x80 | opcode));
        if (len < 126) {
            b.put((byte) (0x80 | len));
        } else if (len <= 0xFFFF) {
            b.put((byte) (0x80 | 126)).putShort((short) len);
        } else {
            b.put((byte) (0x80 | 127)).putLong(len);
        }
        b.putInt(mask);
        byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        // RFC 6455 5.3: octet i is XORed with key octet i mod 4.
        byte[] m = new byte[len];
        for (int i = 0; i < len; i++) {
            m[i] = (byte) (p[i] ^ key[i & 3]);
        }
        b.put(m);
        return b.flip().asReadOnlyBuffer();
    }
}
