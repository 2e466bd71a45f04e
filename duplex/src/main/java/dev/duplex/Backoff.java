package dev.duplex;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (the AWS Architecture Blog's "Exponential Backoff And Jitter"):
 * the wait before attempt n is uniform in [0, min(cap, base × 2^(n−1))], so clients that lost the same
 * server spread their returns instead of arriving together. Stateless; thread-safe if the generator is.
 */
final class Backoff {

    private final long baseNanos;
    private final long capNanos;
    private final RandomGenerator random;

    Backoff(Duration base, Duration cap, RandomGenerator random) {
        this.baseNanos = base.toNanos();
        this.capNanos = cap.toNanos();
        this.random = random;
    }

    /** The ceiling for attempt {@code attempt} (from 1): base doubled attempt−1 times, at most the cap. */
    Duration ceiling(int attempt) {
        int doublings = Math.max(0, attempt - 1);
        long ceiling = doublings >= Long.numberOfLeadingZeros(baseNanos) - 1 ? capNanos
                : Math.min(capNanos, baseNanos << doublings);
        return Duration.ofNanos(ceiling);
    }

    /** A random wait before attempt {@code attempt}, between 0 and its ceiling. */
    Duration delay(int attempt) {
        long ceiling = ceiling(attempt).toNanos();
        return Duration.ofNanos(random.nextLong(ceiling + 1));
    }
}
