package dev.duplex.concurrent;

import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs tasks one at a time, in submission order, each happening-before the next: the one owner of
 * some state (a client socket's events, a server connection's virtual-thread handlers, a stream's
 * callbacks, an application's chat room) without locks. Submitting never blocks: a queue offer and
 * at most one compare-and-set; a burst of tasks runs on one thread, which is then released.
 *
 * <p>Where a burst runs: {@link #on(Executor)} hands it to an executor (a shared virtual-thread
 * executor keeps each serial executor ordered and lets a blocking task stall only its own owner);
 * {@link #onThreads(ThreadFactory)} starts a thread per burst (a virtual thread: an idle owner holds
 * no thread); {@link #inline()} runs it on the submitting thread, as a trampoline: a task submitted
 * from inside a task waits until that one returns, so tasks never nest.
 *
 * <p>A task that throws is reported to the handler given (by default, logged) and the next runs.
 */
public final class SerialExecutor implements Executor {

    private static final System.Logger LOG = System.getLogger(SerialExecutor.class.getName());
    private static final Thread.UncaughtExceptionHandler LOG_IT =
            (t, e) -> LOG.log(System.Logger.Level.ERROR, "task failed on a serial executor", e);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Null: bursts run on the submitting thread. */
    private final Executor backing;
    private final Thread.UncaughtExceptionHandler onError;
    private final Runnable drain = this::drain;
    private volatile Thread running;

    private SerialExecutor(Executor backing, Thread.UncaughtExceptionHandler onError) {
        this.backing = backing;
        this.onError = Objects.requireNonNull(onError, "onError");
    }

    /** Bursts run on {@code backing}; a failing task is logged. */
    public static SerialExecutor on(Executor backing) {
        return new SerialExecutor(Objects.requireNonNull(backing, "backing"), LOG_IT);
    }

    /** Bursts run on {@code backing}; a failing task goes to {@code onError}. */
    public static SerialExecutor on(Executor backing, Thread.UncaughtExceptionHandler onError) {
        return new SerialExecutor(Objects.requireNonNull(backing, "backing"), onError);
    }

    /** Each burst runs on a new thread of {@code threads} (a virtual-thread factory, typically). */
    public static SerialExecutor onThreads(ThreadFactory threads) {
        Objects.requireNonNull(threads, "threads");
        return new SerialExecutor(task -> threads.newThread(task).start(), LOG_IT);
    }

    /** Each burst runs on a new virtual thread named {@code name}. */
    public static SerialExecutor virtual(String name) {
        return onThreads(Thread.ofVirtual().name(name).factory());
    }

    /** Bursts run on the submitting thread, never nested (a trampoline). */
    public static SerialExecutor inline() {
        return new SerialExecutor(null, LOG_IT);
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(Objects.requireNonNull(task, "task"));
        if (scheduled.compareAndSet(false, true)) {
            if (backing == null) {
                drain();
            } else {
                backing.execute(drain);
            }
        }
    }

    /**
     * Runs {@code task} at once when the calling thread is running one of this executor's tasks and
     * no other task waits — it would run next anyway, so this saves a queue hop — else queues it as
     * {@link #execute} does. Only for a tail call: the caller returns right after, and is not code
     * that must not be re-entered (such as a listener), since the task runs inside it.
     */
    public void executeNext(Runnable task) {
        if (running == Thread.currentThread() && tasks.isEmpty()) {
            runSafely(task);
        } else {
            execute(task);
        }
    }

    /** Whether the current thread is running one of this executor's tasks. */
    public boolean inTask() {
        return running == Thread.currentThread();
    }

    /**
     * A signal for {@code task}: each call makes sure {@code task} runs on this executor after the
     * call, but signals that come before it starts share one run (a signal while it runs makes it run
     * once more). For work that recomputes everything each time, such as "deliver what is ready".
     */
    public Runnable coalescing(Runnable task) {
        Objects.requireNonNull(task, "task");
        AtomicBoolean pending = new AtomicBoolean();
        Runnable run = () -> {
            pending.set(false);
            task.run();
        };
        return () -> {
            if (pending.compareAndSet(false, true)) {
                execute(run);
            }
        };
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

    /** Runs one task; what it throws goes to the handler, and the next task runs. */
    private void runSafely(Runnable task) {
        try {
            task.run();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            onError.uncaughtException(Thread.currentThread(), e);
        }
    }
}
