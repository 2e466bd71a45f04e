package dev.duplex.transport;

/**
 * A task scheduled on an {@link EventLoop}'s timer heap. Cancel from the loop thread only; a cancelled
 * timer is skipped when it comes due.
 */
public final class Timer {

    final Runnable task;
    final long deadline;
    final long seq;
    boolean cancelled;

    Timer(Runnable task, long deadline, long seq) {
        this.task = task;
        this.deadline = deadline;
        this.seq = seq;
    }

    /** Prevents the task from running (loop thread only). */
    public void cancel() {
        cancelled = true;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
