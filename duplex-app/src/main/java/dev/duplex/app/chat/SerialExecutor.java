package dev.duplex.app.chat;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, on a backing executor: the "one owner" of a
 * room's state. Submitting is lock-free (a queue offer and at most one CAS), so event-loop threads
 * hand work to a room without ever blocking. Each task happens-before the next.
 */
final class SerialExecutor implements Executor {

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Executor backing;
    private final Thread.UncaughtExceptionHandler onError;

    SerialExecutor(Executor backing, Thread.UncaughtExceptionHandler onError) {
        this.backing = Objects.requireNonNull(backing);
        this.onError = Objects.requireNonNull(onError);
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(Objects.requireNonNull(task));
        if (scheduled.compareAndSet(false, true)) {
            backing.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable task;
            while ((task = tasks.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    onError.uncaughtException(Thread.currentThread(), e);
                }
            }
            scheduled.set(false);
            // A task added after the last poll but before the flag cleared must not be stranded.
            if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
