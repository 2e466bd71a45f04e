package dev.duplex.transport;

import dev.duplex.concurrent.SerialExecutor;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.Executor;

/**
 * Hands one connection's events to its listener on the connection's {@link SerialExecutor} (the
 * client socket's own, or one made over a server's virtual-thread executor), in order, never
 * concurrently: one queue between the loop and the listener. It gives backpressure: the events not
 * yet handled are counted down after each listener call, not when they are queued, and the
 * connection stops reading above the high water mark and reads again at the low one. It also says
 * when a held close may be taken: once every event handed over has been handled and the executor
 * has run one more task after them (a barrier), so what the listeners sent in answer to the last
 * messages is queued before the close frame.
 *
 * <p>The events of one read go over together, one task for the batch (one queue hop, not one per
 * event). {@link #dispatch}, {@link #add}, {@link #handOver} and {@link #idle} run on the
 * connection's loop; the rest on the executor.
 */
final class EventDispatcher {

    private final CorePump connection;
    private final EventLoop loop;
    private final SerialExecutor serial;
    private final int highWater;
    private final int lowWater;

    /** Events handed over and not yet handled by the listener. */
    private volatile int undelivered;
    /** Set while a held close waits for the events before it to be handled. */
    private volatile boolean barrierWanted;
    /** Loop-confined: the barrier after a held close has passed the executor. */
    private boolean barrierPassed;
    /** Loop-confined: events added and not yet handed over (one read's, typically). */
    private Object[] batch = new Object[BATCH];
    private int batchSize;
    private static final int BATCH = 8;

    private static final VarHandle UNDELIVERED;
    private static final VarHandle BARRIER_WANTED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            UNDELIVERED = l.findVarHandle(EventDispatcher.class, "undelivered", int.class);
            BARRIER_WANTED = l.findVarHandle(EventDispatcher.class, "barrierWanted", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    EventDispatcher(CorePump connection, EventLoop loop, ConnectionConfig config) {
        this.connection = connection;
        this.loop = loop;
        Executor e = config.eventExecutor();
        // A client socket passes its own serial executor, so its events and its API's tasks share one queue.
        this.serial = e instanceof SerialExecutor s ? s : SerialExecutor.on(e);
        this.highWater = config.eventHighWater();
        this.lowWater = config.eventLowWater();
    }

    /** Loop: hands {@code event} over; returns true when the listener is now too far behind (stop reading). */
    boolean dispatch(Object event) {
        add(event);
        handOver();
        return undelivered > highWater;
    }

    /**
     * Loop: adds {@code event} to the batch that {@link #handOver} passes to the executor as one
     * task; returns true when the listener is now too far behind (stop reading).
     */
    boolean add(Object event) {
        int ignored = (int) UNDELIVERED.getAndAdd(this, 1);
        if (batchSize == batch.length) {
            batch = Arrays.copyOf(batch, batchSize * 2);
        }
        batch[batchSize++] = event;
        return undelivered > highWater;
    }

    /** Loop: the events added since the last call go to the executor, in one task. */
    void handOver() {
        int n = batchSize;
        if (n == 0) {
            return;
        }
        Object[] events = batch;
        if (n == 1) {
            Object e = events[0];
            events[0] = null;
            batchSize = 0;
            serial.execute(() -> deliver(e));
            return;
        }
        batch = new Object[Math.max(BATCH, n)];
        batchSize = 0;
        serial.execute(() -> {
            for (int i = 0; i < n; i++) {
                deliver(events[i]);
            }
        });
    }

    /**
     * Loop: whether a held close may be taken now. Asked with events still outstanding, it arranges
     * for the barrier to be posted when the last is handled; the answer becomes true once the barrier
     * has passed (the connection is then pumped again).
     */
    boolean idle() {
        if (barrierPassed) {
            return true;
        }
        barrierWanted = true;
        if (undelivered == 0 && BARRIER_WANTED.compareAndSet(this, true, false)) {
            postBarrier();
        }
        return false;
    }

    /** Any thread: one task through the executor, then back on the loop. */
    private void postBarrier() {
        serial.execute(() -> loop.execute(() -> {
            barrierPassed = true;
            connection.onDispatcherIdle();
        }));
    }

    /** Executor: one event to the listener, then the count, the barrier and the low water mark. */
    private void deliver(Object e) {
        try {
            connection.callListener(e);
        } finally {
            int left = (int) UNDELIVERED.getAndAdd(this, -1) - 1;
            if (left == 0 && BARRIER_WANTED.compareAndSet(this, true, false)) {
                postBarrier();
            }
            if (left == lowWater) {
                loop.execute(() -> {
                    if (undelivered <= lowWater) {
                        connection.onListenerCaughtUp();
                    }
                });
            }
        }
    }
}
