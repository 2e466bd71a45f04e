package dev.duplex.transport;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** Executors for delivering events off the event loop. */
public final class Dispatch {

    private static final ThreadFactory THREADS = Thread.ofVirtual().name("duplex-dispatch").factory();

    private static final Executor VIRTUAL = Dispatch::startVirtual;

    private Dispatch() {}

    /**
     * Runs each burst of events on a new virtual thread. The transport serialises calls for one
     * connection itself, so sharing this executor between connections keeps each one ordered and
     * lets a blocking listener stall only its own connection. Bursts asked for by an event loop
     * start together at the end of its turn (see {@link ThreadStarts}).
     */
    public static Executor virtualThread() {
        return VIRTUAL;
    }

    private static void startVirtual(Runnable burst) {
        EventLoop loop = EventLoop.current();
        if (loop != null) {
            loop.startLater(THREADS, burst);
        } else {
            THREADS.newThread(burst).start();
        }
    }
}
