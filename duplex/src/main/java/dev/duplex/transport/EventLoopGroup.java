package dev.duplex.transport;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link EventLoop}s, one per core by default. {@link #next()} assigns each new
 * connection to one loop, round-robin, for the connection's whole life.
 */
public final class EventLoopGroup implements AutoCloseable {

    private final EventLoop[] loops;
    private final AtomicInteger next = new AtomicInteger();

    public EventLoopGroup(String name, int threads, Clock clock, boolean daemon) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1");
        }
        loops = new EventLoop[threads];
        for (int i = 0; i < threads; i++) {
            loops[i] = new EventLoop(name + "-" + i, clock, daemon);
        }
    }

    /** One loop per available processor. */
    public static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    public EventLoop next() {
        return loops[Math.floorMod(next.getAndIncrement(), loops.length)];
    }

    public int size() {
        return loops.length;
    }

    public EventLoop loop(int i) {
        return loops[i];
    }

    /** Stops every loop; completes when all threads have ended. */
    public CompletableFuture<Void> shutdown() {
        CompletableFuture<?>[] all = new CompletableFuture<?>[loops.length];
        for (int i = 0; i < loops.length; i++) {
            all[i] = loops[i].shutdown();
        }
        return CompletableFuture.allOf(all);
    }

    @Override
    public void close() {
        shutdown().join();
    }
}
