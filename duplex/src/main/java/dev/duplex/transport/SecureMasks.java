package dev.duplex.transport;

import dev.duplex.protocol.MaskSource;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * The clients' default {@link MaskSource}: masking keys and handshake nonces from a strong source
 * (RFC 6455 5.3, 10.3: unpredictable keys), drawn in batches. Each thread has its own
 * {@code SecureRandom} (a DRBG seeded from the system's entropy, so no lock is shared with other
 * threads; virtual threads share one) and takes 64 keys from it at a time: one call per 64 frames instead of one per frame,
 * which is what a chatty client paid most for its masks. The keys stay as unpredictable: they are
 * the generator's output, used once, in order, and never leave the thread before they are used.
 */
final class SecureMasks implements MaskSource {

    static final SecureMasks INSTANCE = new SecureMasks();

    private static final int BATCH = 64 * Integer.BYTES;

    private static final ThreadLocal<Batch> BATCHES = ThreadLocal.withInitial(Batch::new);

    private SecureMasks() {}

    /** For virtual threads (short-lived: a generator each would cost more than it saves), shared. */
    private static final Batch SHARED = new Batch();

    @Override
    public int nextMask() {
        if (Thread.currentThread().isVirtual()) {
            synchronized (SHARED) {
                return SHARED.next();
            }
        }
        return BATCHES.get().next();
    }

    @Override
    public void nextBytes(byte[] dst) {
        if (Thread.currentThread().isVirtual()) {
            synchronized (SHARED) {
                SHARED.random.nextBytes(dst);
            }
            return;
        }
        BATCHES.get().random.nextBytes(dst);
    }

    /** One thread's generator and the keys it has drawn and not used yet. */
    private static final class Batch {
        final SecureRandom random = newRandom();
        final ByteBuffer keys = ByteBuffer.allocate(BATCH).position(BATCH);

        int next() {
            if (!keys.hasRemaining()) {
                random.nextBytes(keys.array());
                keys.clear();
            }
            return keys.getInt();
        }

        private static SecureRandom newRandom() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (java.security.NoSuchAlgorithmException e) {
                return new SecureRandom();
            }
        }
    }
}
