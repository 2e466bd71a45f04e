package dev.duplex.transport;

/**
 * A task scheduled on an {@link EventLoop}'s timer heap. Cancel from the loop thread only; a cancelled
 * timer leaves the heap at once.
 */
public final class Timer {

    final Runnable task;
    final long deadline;
    final long seq;
    boolean cancelled;
    /** The heap holding this timer and its slot there, or null and -1. */
    TimerHeap heap;
    int index = -1;

    Timer(Runnable task, long deadline, long seq) {
        this.task = task;
        this.deadline = deadline;
        this.seq = seq;
    }

    /** Prevents the task from running (loop thread only). */
    public void cancel() {
        cancelled = true;
        if (heap != null) {
            heap.remove(this);
        }
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
