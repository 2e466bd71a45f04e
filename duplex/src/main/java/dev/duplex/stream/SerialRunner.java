package dev.duplex.stream;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one task again each time it is signalled, never concurrently, on a virtual thread that ends
 * when no signal is left: the task is re-run after a signal that came while it ran. Keeps user code
 * (future callbacks, subscribers) off the transport's event loop.
 */
final class SerialRunner {

    private static final System.Logger LOG = System.getLogger(SerialRunner.class.getName());

    private final AtomicInteger signals = new AtomicInteger();
    private final ThreadFactory threads;
    private final Runnable task;

    SerialRunner(String name, Runnable task) {
        this.threads = Thread.ofVirtual().name(name).factory();
        this.task = task;
    }

    /** Any thread; never blocks. */
    void signal() {
        if (signals.getAndIncrement() == 0) {
            threads.newThread(this::drain).start();
        }
    }

    private void drain() {
        int missed = 1;
        do {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.log(System.Logger.Level.ERROR, "stream task failed", e);
            }
            missed = signals.addAndGet(-missed);
        } while (missed != 0);
    }
}
