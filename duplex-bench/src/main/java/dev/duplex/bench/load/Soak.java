package dev.duplex.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The soak: each app in its own process, {@link SoakOptions#clients()} clients against each at once for
 * the whole run, a share of them dropping TCP and reconnecting. Before the clients connect (after a short
 * warm-up) and after they have all closed, the server's heap, direct memory, descriptors and threads are
 * read from outside ({@link ServerStats}); they must return to that baseline. Messages sent on connections
 * that stayed up must all come back.
 */
final class Soak {

    /** Heap may end this much above the start (caches, the chat rooms' history) and still count as back. */
    static final long HEAP_SLACK = 16L << 20;
    /** Direct memory may end this much above the start (a loop's pooled buffers). */
    static final long DIRECT_SLACK = 1L << 20;
    /** How long to wait for what is still on the way, and for the server to settle after the clients left. */
    private static final long SETTLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /**
     * How long the server may take to get back to its baseline: idle pool threads (the virtual-thread
     * scheduler's carriers, the common pool) end after their keep-alive of 30-60 s.
     */
    private static final long BASELINE_NANOS = TimeUnit.SECONDS.toNanos(90);
    private static final long POLL_MILLIS = 1000;

    /** One app's outcome. */
    record AppResult(String app, int clients, int stayedUp, long sent, long received, long lost, long messages,
            long unexpectedCloses, long drops, long reconnects, long failedConnects, String lastFailure,
            long othersDelivered,
            ServerStats.Snapshot start, ServerStats.Snapshot end, boolean backToBaseline, List<Long> p99Micros) {
    }

    /** The whole soak's outcome; {@link #passed()} is the exit status. */
    record Result(List<AppResult> apps) {
        int clients() {
            return apps.stream().mapToInt(AppResult::clients).sum();
        }

        long messages() {
            return apps.stream().mapToLong(AppResult::messages).sum();
        }

        long lost() {
            return apps.stream().mapToLong(AppResult::lost).sum();
        }

        long unexpectedCloses() {
            return apps.stream().mapToLong(AppResult::unexpectedCloses).sum();
        }

        long drops() {
            return apps.stream().mapToLong(AppResult::drops).sum();
        }

        long reconnects() {
            return apps.stream().mapToLong(AppResult::reconnects).sum();
        }

        boolean backToBaseline() {
            return apps.stream().allMatch(AppResult::backToBaseline);
        }

        long worstP99Micros() {
            return apps.stream().flatMap(a -> a.p99Micros().stream()).mapToLong(Long::longValue).max().orElse(0);
        }

        boolean passed() {
            return messages() > 0 && lost() == 0 && unexpectedCloses() == 0 && backToBaseline();
        }

        /** The last line of the report. */
        String summary() {
            return String.format("soak: %d clients, %d messages, lost %d, unexpected closes %d, drops %d,"
                            + " reconnects %d, servers back to baseline: %s, worst p99 %s",
                    clients(), messages(), lost(), unexpectedCloses(), drops(), reconnects(),
                    backToBaseline() ? "yes" : "NO", millis(worstP99Micros()));
        }
    }

    private Soak() {
    }

    static Result run(SoakOptions o, Path logs, PrintStream out) throws Exception {
        List<SoakServer> servers = new ArrayList<>();
        try {
            for (String app : o.apps()) {
                servers.add(SoakServer.start(o.serverCommand(), app, logs.resolve(app + ".log")));
            }
            out.printf("soak: %s, %d clients each (%d dropping TCP every ~%d s), %.1f messages/s each, %d s%n",
                    o.apps(), o.clients(), o.droppers(), o.dropEvery().toSeconds(), o.rate(), o.duration().toSeconds());
            List<Future<AppResult>> running = new ArrayList<>();
            try (ExecutorService apps = Executors.newVirtualThreadPerTaskExecutor()) {
                for (SoakServer s : servers) {
                    running.add(apps.submit(() -> runApp(s, o, out)));
                }
                List<AppResult> results = new ArrayList<>();
                for (Future<AppResult> f : running) {
                    results.add(f.get());
                }
                Result r = new Result(results);
                results.forEach(a -> report(a, out));
                out.println(r.summary());
                return r;
            }
        } finally {
            for (SoakServer s : servers) {
                s.close();
            }
        }
    }

    private static AppResult runApp(SoakServer server, SoakOptions o, PrintStream out) throws Exception {
        try (ServerStats probe = ServerStats.attach(server.pid())) {
            warmUp(server, o);
            ServerStats.Snapshot start = probe.snapshot();
            out.printf("[%s] server at start: %s%n", server.app, start.describe());

            long begin = System.nanoTime();
            long durationNanos = o.duration().toNanos();
            SoakStats stats = new SoakStats(begin, durationNanos);
            List<SoakClient> clients = clients(server, o, stats, "soak", o.clients(), o.droppers(), o.rate());
            connectAll(clients);
            long end = System.nanoTime() + durationNanos;
            clients.forEach(c -> c.start(end));
            progress(server.app, stats, end, out);

            for (SoakClient c : clients) {
                c.stop();
            }
            List<SoakClient> steady = clients.stream().filter(c -> !c.dropper && !c.broken.get()).toList();
            awaitOrTimeout(() -> steady.stream().allMatch(SoakClient::settled), SETTLE_NANOS); // still on the way
            clients.forEach(SoakClient::close);
            ServerStats.Snapshot[] last = {null};
            boolean back = awaitOrTimeout(() -> backToBaseline(start, last[0] = probe.snapshot()), BASELINE_NANOS);

            long sent = steady.stream().mapToLong(c -> c.sent.get()).sum();
            long received = steady.stream().mapToLong(c -> Math.min(c.received.get(), c.sent.get())).sum();
            long allSent = clients.stream().mapToLong(c -> c.sent.get()).sum();
            List<Long> p99 = new ArrayList<>();
            for (int i = 0; i < stats.minuteCount(); i++) {
                p99.add(stats.minute(i).getValueAtPercentile(99));
            }
            return new AppResult(server.app, clients.size(), steady.size(), sent, received, sent - received, allSent,
                    stats.unexpectedCloses.sum(), stats.drops.sum(), stats.reconnects.sum(),
                    stats.failedConnects.sum(), stats.lastFailure, stats.othersDelivered.sum(), start, last[0], back, p99);
        }
    }

    /** A few clients for a few seconds first, so the baseline includes what the first connections initialise. */
    private static void warmUp(SoakServer server, SoakOptions o) throws Exception {
        SoakStats ignored = new SoakStats(System.nanoTime(), TimeUnit.SECONDS.toNanos(10));
        List<SoakClient> warm = clients(server, o, ignored, "warm", Math.min(20, o.clients()), 0, 20);
        connectAll(warm);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        warm.forEach(c -> c.start(end));
        for (SoakClient c : warm) {
            c.stop();
        }
        awaitOrTimeout(() -> warm.stream().allMatch(SoakClient::settled), SETTLE_NANOS);
        warm.forEach(SoakClient::close);
    }

    /**
     * {@code n} clients; those of one {@code kind} have their own ids and chat rooms, so no client ever takes
     * another's message (say, from a room's history) for its own.
     */
    private static List<SoakClient> clients(SoakServer server, SoakOptions o, SoakStats stats, String kind, int n,
            int droppers, double rate) {
        int firstId = kind.equals("soak") ? 0 : 10_000_000;
        List<SoakClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // Droppers spread evenly over the clients, and so over the chat rooms.
            boolean dropper = droppers > 0 && i % Math.max(1, n / droppers) == 0 && i / Math.max(1, n / droppers) < droppers;
            String path = server.app.equals("chat")
                    ? "/chat/" + kind + "-" + (i / o.roomSize()) + "?name=c" + (firstId + i)
                    : "/echo";
            clients.add(new SoakClient(firstId + i, dropper, server.address, path, stats, rate, o.dropEvery().toNanos()));
        }
        return clients;
    }

    /** Connects the clients, 64 handshakes at a time. */
    private static void connectAll(List<SoakClient> clients) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(64, Thread.ofVirtual().factory())) {
            List<Future<?>> done = new ArrayList<>();
            for (SoakClient c : clients) {
                done.add(pool.submit(() -> {
                    c.connect();
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    /** Prints the p99 of each minute as it completes, until {@code end}. */
    private static void progress(String app, SoakStats stats, long end, PrintStream out) throws InterruptedException {
        int printed = 0;
        while (System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            int complete = stats.minuteCount() - 1; // the last one is still filling
            for (; printed < complete; printed++) {
                out.printf("[%s] minute %d: p99 %s (%d messages back)%n", app, printed + 1,
                        millis(stats.minute(printed).getValueAtPercentile(99)), stats.minute(printed).getTotalCount());
            }
        }
    }

    static boolean backToBaseline(ServerStats.Snapshot start, ServerStats.Snapshot end) {
        return end.heap() <= start.heap() + Math.max(HEAP_SLACK, start.heap() / 4)
                && end.direct() <= start.direct() + DIRECT_SLACK
                && end.fds() <= start.fds()
                && end.threads() <= start.threads();
    }

    private static void report(AppResult a, PrintStream out) {
        String app = "[" + a.app() + "]";
        out.printf("%s stayed up: %d of %d connections, sent %d, received %d, lost %d; unexpected closes %d%n",
                app, a.stayedUp(), a.clients(), a.sent(), a.received(), a.lost(), a.unexpectedCloses());
        out.printf("%s droppers: %d drops, %d reconnects, %d failed connects%s; %d messages sent in all%n",
                app, a.drops(), a.reconnects(), a.failedConnects(),
                a.lastFailure() == null ? "" : " (last: " + a.lastFailure() + ")", a.messages());
        if (a.othersDelivered() > 0) {
            out.printf("%s chat: %d messages of other members delivered%n", app, a.othersDelivered());
        }
        out.printf("%s server at start: %s%n", app, a.start().describe());
        out.printf("%s server at end:   %s -> %s%n", app, a.end().describe(),
                a.backToBaseline() ? "back to baseline" : "NOT back to baseline");
        if (a.end().threads() > a.start().threads()) {
            List<String> extra = new ArrayList<>(a.end().threadNames());
            a.start().threadNames().forEach(extra::remove);
            out.printf("%s threads at the end that were not there at the start: %s%n", app, extra);
        }
        for (int i = 0; i < a.p99Micros().size(); i++) {
            out.printf("%s p99 minute %d: %s%n", app, i + 1, millis(a.p99Micros().get(i)));
        }
    }

    private static String millis(long micros) {
        return String.format("%.2f ms", micros / 1000.0);
    }

    /** Polls {@code condition} until it holds or {@code nanos} pass; whether it held. */
    private static boolean awaitOrTimeout(Check condition, long nanos) throws Exception {
        long deadline = System.nanoTime() + nanos;
        while (true) {
            if (condition.holds()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
        }
    }

    @FunctionalInterface
    private interface Check {
        boolean holds() throws IOException;
    }
}
