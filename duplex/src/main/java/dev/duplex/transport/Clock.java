package dev.duplex.transport;

/**
 * Monotonic time for the event loop's timers, injectable so tests run timeouts on fake time
 * (see {@link ManualClock}).
 */
public interface Clock {

    /** The system clock ({@link System#nanoTime()}). */
    Clock SYSTEM = System::nanoTime;

    /** Monotonic nanoseconds from an arbitrary origin. */
    long nanoTime();
}
