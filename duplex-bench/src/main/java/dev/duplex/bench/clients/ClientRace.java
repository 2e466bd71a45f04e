package dev.duplex.bench.clients;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client race, one library per process: C connections to an echo server, each keeping P text
 * messages of S bytes in flight through the library's own WebSocket client, every echo checked
 * against the message sent ({@link EchoCheck}). Prints {@code MEASURING} when the measured interval
 * starts (the suite samples the server's CPU) and then
 * {@code RESULT <in-flight> <messages/s> <messages> <client CPU %> <bytes allocated per message>}
 * (the whole process's heap allocation over the measured interval, virtual threads' included).
 * <pre>
 * java -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.clients.ClientRace --client netty \
 *     --port 8080 [--host 127.0.0.1] [--connections 100] [--in-flight 1,16] [--size 32] \
 *     [--first-warmup 3] [--warmup 0.75] [--measure 1.5]
 * </pre>
 * Clients: {@code duplex} (dev.duplex.WebSocket, events on its per-socket dispatcher, the default),
 * {@code duplex-loop} (the same with {@code dispatchOnLoop}), {@code netty}, {@code okhttp}, {@code jdk}
 * (java.net.http), {@code java-websocket}.
 */
public final class ClientRace {
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** One workload's shared state: the messages, the count, the first failure. */
    static final class Run {
        final String[] variants;
        final int inFlight;
        final LongAdder received = new LongAdder();
        final AtomicReference<String> failure = new AtomicReference<>();
        volatile boolean running = true;

        Run(int size, int inFlight) {
            this.inFlight = inFlight;
            this.variants = new String[64];
            SplittableRandom random = new SplittableRandom(6455L * size);
            for (int v = 0; v < variants.length; v++) {
                char[] c = new char[size];
                for (int i = 0; i < size; i++) {
                    c[i] = (char) ('!' + random.nextInt(94)); // printable ASCII: one byte each in UTF-8
                }
                variants[v] = new String(c);
            }
        }

        void fail(String why) {
            failure.compareAndSet(null, why);
            running = false;
        }
    }

    private ClientRace() {}

    public static void main(String[] args) throws Exception {
        String client = opt(args, "--client", "duplex");
        URI uri = URI.create("ws://" + opt(args, "--host", "127.0.0.1") + ":" + opt(args, "--port", "8080") + "/");
        int connections = Integer.parseInt(opt(args, "--connections", "100"));
        int size = Integer.parseInt(opt(args, "--size", "32"));
        double firstWarmup = Double.parseDouble(opt(args, "--first-warmup", "3"));
        double warmup = Double.parseDouble(opt(args, "--warmup", "0.75"));
        double measure = Double.parseDouble(opt(args, "--measure", "1.5"));
        boolean first = true;
        int status = 0;
        for (String p : opt(args, "--in-flight", "1,16").split(",")) {
            int inFlight = Integer.parseInt(p);
            try {
                double[] r = run(client, uri, connections, size, inFlight, first ? firstWarmup : warmup, measure);
                System.out.printf(Locale.ROOT, "RESULT %d %.1f %.0f %.1f %.1f%n", inFlight, r[0], r[1], r[2], r[3]);
            } catch (Exception e) {
                System.out.println("FAILED " + inFlight + " " + e.getMessage());
                status = 1;
            }
            System.out.flush();
            first = false;
        }
        System.exit(status); // some libraries keep non-daemon threads
    }

    /**
     * One workload: returns messages/s, messages, the client's CPU % and its bytes allocated per
     * message over the measured interval.
     */
    static double[] run(String client, URI uri, int connections, int size, int inFlight, double warmup, double measure)
            throws Exception {
        Run run = new Run(size, inFlight);
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (RaceClient c = RaceClient.of(client)) {
            List<EchoCheck> checks = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                EchoCheck check = new EchoCheck(run, i);
                c.connect(uri, check);
                checks.add(check);
            }
            checks.forEach(EchoCheck::start);
            sleepWatching(run, warmup);
            System.out.println("MEASURING");
            System.out.flush();
            long n0 = run.received.sum();
            long alloc0 = allocatedBytes();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            sleepWatching(run, measure);
            long n1 = run.received.sum();
            long t1 = System.nanoTime();
            long cpu1 = os.getProcessCpuTime();
            long alloc1 = allocatedBytes();
            run.running = false;
            if (run.failure.get() != null) {
                throw new IllegalStateException(run.failure.get());
            }
            double seconds = (t1 - t0) / 1e9;
            return new double[] {(n1 - n0) / seconds, n1 - n0, (cpu1 - cpu0) / 1e9 / seconds * 100,
                    (alloc1 - alloc0) / (double) Math.max(1, n1 - n0)};
        }
    }

    /** Heap bytes allocated by all threads since the JVM started (a virtual thread's count on its carrier). */
    private static long allocatedBytes() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return mx.getTotalThreadAllocatedBytes();
    }

    /** Waits {@code seconds}, failing early on a check failure or when no echo arrives for 10 s. */
    private static void sleepWatching(Run run, double seconds) throws InterruptedException {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long last = run.received.sum();
        long lastProgress = System.nanoTime();
        while (System.nanoTime() < end) {
            Thread.sleep(Math.max(1, Math.min(100, (end - System.nanoTime()) / 1_000_000)));
            if (run.failure.get() != null) {
                throw new IllegalStateException(run.failure.get());
            }
            long n = run.received.sum();
            long now = System.nanoTime();
            if (n != last) {
                last = n;
                lastProgress = now;
            } else if (now - lastProgress > STALL_NANOS) {
                throw new IllegalStateException("no echo for 10 s");
            }
        }
    }

    static String opt(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
