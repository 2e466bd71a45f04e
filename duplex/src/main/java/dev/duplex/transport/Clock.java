package dev.duplex.transport;

/**
 * Monotonic time for the event loop's timers, injectable so tests run timeouts on fake time
 * (see {@link ManualClock}). A clock that jumps, rather than passing like the system's, tells the
 * loops that watch it, so a loop asleep until its next deadline looks at its timers again.
 */
public interface Clock {

    /** The system clock ({@link System#nanoTime()}). */
    Clock SYSTEM = System::nanoTime;

    /** Monotonic nanoseconds from an arbitrary origin. */
    long nanoTime();

    /**
     * Calls {@code onJump} (from any thread) each time this clock moves other than by time passing.
     * A clock that only passes, like {@link #SYSTEM}, never calls it.
     */
    default void watch(Runnable onJump) {}

    /** Stops calling what {@link #watch} was given (the same instance). */
    default void unwatch(Runnable onJump) {}
}
