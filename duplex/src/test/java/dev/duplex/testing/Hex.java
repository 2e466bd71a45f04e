package dev.duplex.testing;

import java.nio.ByteBuffer;
import java.util.HexFormat;

/** Hex strings for readable frame tests: spaces are ignored. */
public final class Hex {

    private Hex() {}

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    public static ByteBuffer buffer(String hex) {
        return ByteBuffer.wrap(bytes(hex));
    }

    public static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** The remaining bytes of {@code b}, without moving its position. */
    public static String of(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return of(a);
    }
}
