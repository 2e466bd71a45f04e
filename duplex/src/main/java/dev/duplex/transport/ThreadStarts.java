package dev.duplex.transport;

import java.util.concurrent.ThreadFactory;

/**
 * The virtual threads an event loop asked for during one turn, started together at its end: one
 * hand-off to the virtual-thread scheduler per turn instead of one per connection. Started one by
 * one from the loop, each start could wake the scheduler's carrier, which on a busy core takes the
 * CPU from the loop to run that one burst and then idles again before the loop asks for the next;
 * here the loop starts one thread, which starts the others (on its carrier: no further wake-up)
 * and then runs the first burst itself.
 *
 * <p>Loop thread only.
 */
final class ThreadStarts {

    private ThreadFactory[] factories = new ThreadFactory[16];
    private Runnable[] bursts = new Runnable[16];
    private int size;

    void add(ThreadFactory threads, Runnable burst) {
        if (size == bursts.length) {
            factories = java.util.Arrays.copyOf(factories, size * 2);
            bursts = java.util.Arrays.copyOf(bursts, size * 2);
        }
        factories[size] = threads;
        bursts[size++] = burst;
    }

    /** Starts what was asked for since the last call. */
    void startAll() {
        int n = size;
        if (n == 0) {
            return;
        }
        ThreadFactory first = factories[0];
        Runnable firstBurst = bursts[0];
        if (n == 1) {
            clear(1);
            first.newThread(firstBurst).start();
            return;
        }
        ThreadFactory[] f = java.util.Arrays.copyOf(factories, n);
        Runnable[] b = java.util.Arrays.copyOf(bursts, n);
        clear(n);
        first.newThread(() -> {
            for (int i = 1; i < n; i++) {
                f[i].newThread(b[i]).start();
            }
            firstBurst.run();
        }).start();
    }

    private void clear(int n) {
        java.util.Arrays.fill(factories, 0, n, null);
        java.util.Arrays.fill(bursts, 0, n, null);
        size = 0;
    }
}
