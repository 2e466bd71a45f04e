package dev.duplex.transport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves only when told to, for tests of timeouts on fake time. Event loops built on it
 * wake up after each {@link #advance}, so due timers run at once, on their loop.
 */
public final class ManualClock implements Clock {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final List<Runnable> onAdvance = new CopyOnWriteArrayList<>();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    /** Moves time forward and wakes every loop that uses this clock. */
    public void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        onAdvance.forEach(Runnable::run);
    }

    @Override
    public void watch(Runnable onJump) {
        onAdvance.add(onJump);
    }

    @Override
    public void unwatch(Runnable onJump) {
        onAdvance.remove(onJump);
    }
}
