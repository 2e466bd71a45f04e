package dev.duplex;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one socket's tasks one at a time, in submission order, each happening-before the next — the
 * WHATWG "queue a task" for the socket.
 *
 * <p>By default a burst of tasks runs on a fresh virtual thread that ends when the queue is empty, so
 * an idle socket holds no thread and a listener that blocks stalls only its own socket. With
 * {@link #inline()} the submitting thread (normally the transport's event loop) runs the tasks itself;
 * a task submitted while another runs (say, from inside a listener) still waits for it to finish, so
 * tasks never nest.
 */
final class SerialDispatcher implements Executor {

    private static final ThreadFactory VIRTUAL = Thread.ofVirtual().name("duplex-ws-", 0).factory();
    private static final System.Logger LOG = System.getLogger(WebSocket.class.getName());

    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final ThreadFactory threads; // null: run on the submitting thread
    private volatile Thread running;

    private SerialDispatcher(ThreadFactory threads) {
        this.threads = threads;
    }

    /** A dispatcher on virtual threads. */
    static SerialDispatcher virtual() {
        return new SerialDispatcher(VIRTUAL);
    }

    /** A dispatcher whose threads come from {@code threads}. */
    static SerialDispatcher onThreads(ThreadFactory threads) {
        return new SerialDispatcher(threads);
    }

    /** A dispatcher that runs tasks on the thread that submits them (a trampoline, never nested). */
    static SerialDispatcher inline() {
        return new SerialDispatcher(null);
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (scheduled.compareAndSet(false, true)) {
            if (threads == null) {
                drain();
            } else {
                threads.newThread(this::drain).start();
            }
        }
    }

    /** Whether the current thread is running one of this dispatcher's tasks. */
    boolean inDispatcher() {
        return running == Thread.currentThread();
    }

    private void drain() {
        while (true) {
            running = Thread.currentThread();
            Runnable task;
            while ((task = tasks.poll()) != null) {
                runSafely(task);
            }
            running = null;
            scheduled.set(false);
            // A task added after the last poll but before the flag dropped must not be stranded.
            if (tasks.isEmpty() || !scheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            if (t instanceof VirtualMachineError vme) {
                throw vme;
            }
            LOG.log(System.Logger.Level.ERROR, "WebSocket task failed", t);
        }
    }
}
