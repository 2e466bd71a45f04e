package dev.duplex.transport;

import java.util.concurrent.Executor;

/** Executors for delivering events off the event loop. */
public final class Dispatch {

    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("duplex-dispatch").start(task);

    private Dispatch() {}

    /**
     * Runs each burst of events on a new virtual thread. The transport serialises calls for one
     * connection itself, so sharing this executor between connections keeps each one ordered and
     * lets a blocking listener stall only its own connection.
     */
    public static Executor virtualThread() {
        return VIRTUAL;
    }
}
