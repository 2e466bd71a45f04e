package dev.duplex.transport;

import dev.duplex.protocol.BufferPool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One thread, one {@link Selector}, a task queue and a timer heap. Every channel registered here is
 * owned by this loop for life; its handler, its timers and the tasks posted for it all run on this
 * thread, so they need no locks.
 *
 * <p>Each turn: wait for I/O (no longer than the next timer, not at all if tasks are waiting), handle
 * ready channels, run posted tasks, run due timers. {@link #execute} is the only cross-thread entry
 * point besides {@link #shutdown}; it wakes the selector only when the loop may be sleeping.
 */
public final class EventLoop implements java.util.concurrent.Executor {

    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** Called by the loop when a registered channel is ready; the key's attachment. */
    public interface Handler {
        void onReady(SelectionKey key);
    }

    private final Clock clock;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final TimerHeap timers = new TimerHeap();
    private final AtomicBoolean awake = new AtomicBoolean(true);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /**
     * One per loop, shared by its connections. 256 KiB: a 64 KiB message and its header arrive in
     * one read (with 64 KiB it took two system calls, the second for the last 14 bytes).
     */
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    private ByteBuffer tlsReadBuffer;
    /** See {@link #headScratch()}: a browser's upgrade request is 0.5-2 KB. */
    private static final int HEAD_SCRATCH = 8 * 1024;
    private byte[] headScratch;
    /** Made by the first connection that opens here; see {@link #bufferPool()}. */
    private BufferPool bufferPool;
    /** One instance: a method reference passed to each select would be a new object every turn. */
    private final java.util.function.Consumer<SelectionKey> dispatcher = this::dispatch;
    private volatile boolean stopping;
    private long timerSeq;
    /** Whether the loop is inside one step (a ready channel's handler, a task, a timer). */
    private boolean inStep;
    /** Flushes put off to the end of the current step (see {@link #deferFlush}); made on first use. */
    private java.util.ArrayList<Flushable> deferred;
    /** Virtual-thread bursts asked for during this turn, started together (see {@link #startLater}). */
    private final ThreadStarts starts = new ThreadStarts();
    /** The loop whose own thread runs the caller; null on any other thread. */
    private static final ThreadLocal<EventLoop> CURRENT = new ThreadLocal<>();

    EventLoop(String name, Clock clock, boolean daemon) {
        this(name, clock, daemon, null);
    }

    /** {@code driver} null: the loop's own thread is made and started. */
    private EventLoop(String name, Clock clock, boolean daemon, Thread driver) {
        this.clock = clock;
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        if (driver != null) {
            this.thread = driver;
            return;
        }
        this.thread = Thread.ofPlatform().name(name).daemon(daemon).unstarted(this::run);
        clock.watch(wakeupTask);
        thread.start();
    }

    /**
     * A loop with no thread of its own, for tests: the calling thread is its loop thread and runs its
     * work by calling {@link #runDue()}, so a connection on an in-memory socket and a
     * {@link ManualClock} is driven step by step, with nothing running behind the test's back.
     */
    static EventLoop drivenByCaller(Clock clock) {
        return new EventLoop(null, clock, true, Thread.currentThread());
    }

    /**
     * A loop {@link #drivenByCaller driven by its caller}: runs the posted tasks and the timers due on
     * its clock, in turn, until none is left.
     */
    void runDue() {
        assert inEventLoop();
        do {
            runTasks();
            runTimers();
        } while (!tasks.isEmpty() || selectTimeoutMillis() == 0);
    }

    /** A loop {@link #drivenByCaller driven by its caller}: stops it as its own thread would. */
    void stopDriven() {
        assert inEventLoop();
        stopping = true;
        closeAll();
    }

    /** Whether the caller runs on this loop's thread. */
    public boolean inEventLoop() {
        return Thread.currentThread() == thread;
    }

    /** The loop running on the calling thread (one started with a thread of its own), or null. */
    static EventLoop current() {
        return CURRENT.get();
    }

    /**
     * Loop thread only: runs {@code burst} on a virtual thread of {@code threads}, started with the
     * others asked for in this turn once the turn's ready channels (or tasks) have been handled.
     */
    void startLater(java.util.concurrent.ThreadFactory threads, Runnable burst) {
        starts.add(threads, burst);
    }

    public Clock clock() {
        return clock;
    }

    /** Runs {@code task} on this loop, after the tasks posted before it. Never runs it inline. */
    @Override
    public void execute(Runnable task) {
        if (stopping && !inEventLoop() && thread.getState() == Thread.State.TERMINATED) {
            throw new RejectedExecutionException("event loop is stopped");
        }
        tasks.add(task);
        if (!inEventLoop()) {
            wakeup();
        }
    }

    /** Schedules {@code task} after {@code delayNanos} of this loop's clock. Loop thread only. */
    public Timer schedule(Runnable task, long delayNanos) {
        assert inEventLoop();
        Timer t = new Timer(task, clock.nanoTime() + Math.max(0, delayNanos), timerSeq++);
        timers.add(t);
        return t;
    }

    /** Schedules from any thread; the returned timer may be cancelled on the loop thread. */
    public Timer scheduleFromAnyThread(Runnable task, long delay, TimeUnit unit) {
        Timer t = new Timer(task, clock.nanoTime() + Math.max(0, unit.toNanos(delay)), 0);
        if (inEventLoop()) {
            timers.add(t);
        } else {
            execute(() -> timers.add(t));
        }
        return t;
    }

    /** Registers a channel (loop thread only). */
    public SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws ClosedChannelException {
        assert inEventLoop();
        return channel.register(selector, ops, handler);
    }

    /** A connection whose queued bytes can be written later in the same loop step. */
    interface Flushable {
        void flushDeferred();
    }

    /**
     * Puts off {@code f}'s flush to the end of the current loop step, so that everything queued on
     * it during the step leaves in one write: a handler that sends one message to a thousand
     * sockets per message it reads writes to each socket once per read, not once per message.
     * False when the loop is not inside a step (the caller flushes at once). Loop thread only.
     */
    boolean deferFlush(Flushable f) {
        if (!inStep) {
            return false;
        }
        if (deferred == null) {
            deferred = new java.util.ArrayList<>();
        }
        deferred.add(f);
        return true;
    }

    /**
     * Where this loop's server connections read a request head that arrives whole (see
     * {@link dev.duplex.protocol.HttpHeadParser#requests(dev.duplex.protocol.Limits, byte[])});
     * made by the first that asks. Loop thread only.
     */
    byte[] headScratch() {
        byte[] b = headScratch;
        return b != null ? b : (headScratch = new byte[HEAD_SCRATCH]);
    }

    /** The loop's shared read buffer; valid only until the handler returns. Loop thread only. */
    ByteBuffer readBuffer() {
        return readBuffer.clear();
    }

    /**
     * Where this loop's TLS connections read their network bytes (their plaintext then goes to
     * {@link #readBuffer()}); made by the first TLS read, cleared for each.
     */
    ByteBuffer tlsReadBuffer() {
        ByteBuffer b = tlsReadBuffer;
        if (b == null) {
            tlsReadBuffer = b = ByteBuffer.allocateDirect(readBuffer.capacity());
        }
        return b.clear();
    }

    /**
     * The loop's {@link BufferPool}, whose source is the read buffer: shared by the connections of
     * this loop (none holds one of its own), made by the first that asks. Loop thread only.
     */
    BufferPool bufferPool() {
        BufferPool p = bufferPool;
        if (p == null) {
            bufferPool = p = new BufferPool(readBuffer);
        }
        return p;
    }

    /** One instance, so the clock can forget what it was given (each {@code this::wakeup} is new). */
    private final Runnable wakeupTask = this::wakeup;

    void wakeup() {
        if (awake.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    /** Stops the loop after its current turn and closes every channel still registered. */
    public CompletableFuture<Void> shutdown() {
        stopping = true;
        wakeup();
        return terminated;
    }

    private void run() {
        CURRENT.set(this);
        try {
            while (!stopping) {
                turn();
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "event loop died", t);
        } finally {
            closeAll();
        }
    }

    private void turn() {
        try {
            if (selectTimeoutMillis() == 0) {
                selector.selectNow(dispatcher);
            } else {
                awake.set(false);
                // A task, a stop or a clock's jump (Clock.watch) that came before awake was cleared
                // found it still set and did not wake the selector: look again before blocking.
                long timeoutMillis = selectTimeoutMillis();
                if (timeoutMillis == 0) {
                    awake.set(true);
                    selector.selectNow(dispatcher);
                } else if (timeoutMillis < 0) {
                    selector.select(dispatcher);
                } else {
                    selector.select(dispatcher, timeoutMillis);
                }
                awake.set(true);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "select failed", e);
        }
        starts.startAll();
        runTasks();
        runTimers();
        starts.startAll();
    }

    /** 0: work is waiting (tasks, a stop, a due timer); -1: block until woken; else until the next timer. */
    private long selectTimeoutMillis() {
        if (!tasks.isEmpty() || stopping) {
            return 0;
        }
        Timer next = peekTimer();
        if (next == null) {
            return -1;
        }
        long nanos = next.deadline - clock.nanoTime();
        return nanos <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }

    private void dispatch(SelectionKey key) {
        inStep = true;
        try {
            ((Handler) key.attachment()).onReady(key);
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "channel handler failed", t);
        } finally {
            endStep();
        }
    }

    /** Ends a step: the flushes put off during it run now. */
    private void endStep() {
        inStep = false;
        java.util.ArrayList<Flushable> d = deferred;
        if (d == null || d.isEmpty()) {
            return;
        }
        // Outside the step now: what a flush sets off (a failed connection's close handler sending
        // elsewhere) flushes at once instead of growing this list.
        for (int i = 0; i < d.size(); i++) {
            Flushable f = d.get(i);
            try {
                f.flushDeferred();
            } catch (Throwable t) {
                LOG.log(Level.ERROR, "deferred flush failed", t);
            }
        }
        d.clear();
    }

    private void runTasks() {
        // Bounded so a producer that keeps posting cannot starve I/O.
        for (int i = 0; i < 4096; i++) {
            Runnable r = tasks.poll();
            if (r == null) {
                return;
            }
            safeRun(r);
        }
    }

    private Timer peekTimer() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        return t;
    }

    private void runTimers() {
        long now = clock.nanoTime();
        Timer t;
        while ((t = peekTimer()) != null && t.deadline - now <= 0) {
            timers.poll();
            safeRun(t.task);
        }
    }

    private void safeRun(Runnable r) {
        inStep = true;
        try {
            r.run();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "event loop task failed", t);
        } finally {
            endStep();
        }
    }

    private void closeAll() {
        // Tasks posted before the stop still run (they may close connections cleanly).
        runTasks();
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof Closeable c) {
                safeRun(c::closeNow);
            } else {
                try {
                    key.channel().close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
        starts.startAll();
        clock.unwatch(wakeupTask);
        terminated.complete(null);
    }

    /** A handler that can release its resources when the loop stops under it. */
    interface Closeable {
        void closeNow();
    }
}
