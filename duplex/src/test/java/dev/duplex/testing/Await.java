package dev.duplex.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that has no event to wait on (a counter going back to zero, a queue filling
 * up): polls it, parking briefly between polls (1 ms, growing to 20 ms), until it holds or the
 * patience runs out. Prefer an event (a latch, a future, a recorder's queue) where there is one; never
 * wait for time itself.
 */
public final class Await {

    /** Generous: a loaded 2-core machine must not make a test flaky. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private Await() {}

    /** Waits until {@code condition} holds; fails naming {@code what} after {@link #PATIENCE}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, PATIENCE, condition);
    }

    /** Waits until {@code condition} holds; fails naming {@code what} after {@code patience}. */
    public static void until(String what, Duration patience, BooleanSupplier condition) {
        if (!reached(patience, condition)) {
            throw new AssertionError("timed out after " + patience + " waiting for " + what);
        }
    }

    /** Whether {@code condition} held within {@code patience}: for callers that report a miss themselves. */
    public static boolean reached(Duration patience, BooleanSupplier condition) {
        long deadline = System.nanoTime() + patience.toNanos();
        long park = 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            LockSupport.parkNanos(park);
            park = Math.min(park * 2, 20_000_000);
        }
        return true;
    }
}
