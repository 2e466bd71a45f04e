package dev.duplex.protocol;

/**
 * Where the core gets masking keys (RFC 6455 5.3) and handshake nonces from. The core has no
 * randomness of its own: production code injects a {@code SecureRandom}-backed source, tests a fixed one.
 */
@FunctionalInterface
public interface MaskSource {

    /** The next 32-bit masking key, most significant byte first on the wire. */
    int nextMask();

    /** A source that always returns {@code mask}; for tests and for readable hex. */
    static MaskSource fixed(int mask) {
        return () -> mask;
    }

    /** Fills {@code dst} with bytes drawn from {@link #nextMask()}. */
    default void nextBytes(byte[] dst) {
        for (int i = 0; i < dst.length; i += 4) {
            int m = nextMask();
            for (int j = 0; j < 4 && i + j < dst.length; j++) {
                dst[i + j] = (byte) (m >>> (24 - 8 * j));
            }
        }
    }
}
