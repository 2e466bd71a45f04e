package dev.duplex.transport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Sends posted to one connection from threads other than its event loop: kept in order and run on
 * the loop, one task per burst. A connection makes it on the first such send (most of a server's
 * connections never get one). Its commands carry the bytes they add to {@code bufferedAmount}, which
 * the connection gives back when a command is written or dropped.
 */
final class CommandQueue {

    /** A send posted from another thread; {@code credit} is its share of {@code bufferedAmount}. */
    record Command(int kind, Object payload, long credit) {
        static final int TEXT = 0;
        static final int BINARY = 1;
        static final int PREPARED = 2;
        static final int PING = 3;
        static final int PONG = 4;
        /** Message parts: PART plus TEXT_PART when text, plus LAST_PART when the last. */
        static final int PART = 8;
        static final int TEXT_PART = 1;
        static final int LAST_PART = 2;

        /** A whole message, or the last part of one (a streamed message counts once). */
        static boolean endsMessage(int kind) {
            return kind <= PREPARED || ((kind & PART) != 0 && (kind & LAST_PART) != 0);
        }
    }

    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final EventLoop loop;
    private final Runnable runTask;
    private volatile boolean scheduled;

    private static final VarHandle SCHEDULED;

    static {
        try {
            SCHEDULED = MethodHandles.lookup().findVarHandle(CommandQueue.class, "scheduled", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** @param run the loop task that takes the commands ({@link #poll}), posted once per burst */
    CommandQueue(EventLoop loop, Runnable run) {
        this.loop = loop;
        this.runTask = run;
    }

    /** Any thread: queues {@code c} and makes sure a loop task will take it. */
    void post(Command c) {
        commands.add(c);
        if (SCHEDULED.compareAndSet(this, false, true)) {
            loop.execute(runTask);
        }
    }

    /** Loop: reschedules the task (the connection could not take the commands before). */
    void reschedule() {
        if (!commands.isEmpty()) {
            loop.execute(runTask);
        }
    }

    boolean isEmpty() {
        return commands.isEmpty();
    }

    /** Loop: the run task starts; commands posted from now on schedule another. */
    void beginRun() {
        scheduled = false;
    }

    /** Loop: the next command in order, or null. */
    Command poll() {
        return commands.poll();
    }
}
