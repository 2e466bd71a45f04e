package dev.duplex.bench.rooms;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Rooms that survive, measured (issue 18). For each setup (in-memory log on one node; Redis
 * Streams with 1 node; with 3 nodes, one Redis), in one run:
 * <ul>
 *   <li><b>fan-out</b>: {@code --members} members spread over the nodes in one room; {@code --senders}
 *       of them say {@code --rate} messages per second in all for {@code --seconds}; deliveries/s
 *       (every member gets every message) and the end-to-end latency of each delivery;</li>
 *   <li><b>reconnect storm</b>: {@code --storm} members (and one talker saying 100 messages/s) all
 *       drop at once and reconnect with {@code since} (to the next node when there are several):
 *       the time from the drop until every member has the message said at the drop, and whether
 *       every member then has every message once, in order.</li>
 * </ul>
 * Not a test and not part of {@code mvn verify}: {@code duplex-bench/rooms.sh} builds and runs it,
 * and {@code --write} puts the table into {@code docs/performance.md} between the
 * {@code rooms-benchmark} markers.
 */
public final class RoomsBenchmark {

    private record Setup(String label, int nodes, boolean redis) {}

    private record Result(Setup setup, double deliveriesPerSecond, long p50, long p99, boolean fanOutComplete,
                          double catchUpMillis, int resumed, boolean stormComplete, String problem) {}

    private int members = 300;
    private int senders = 10;
    private int rate = 200;
    private int seconds = 10;
    private int storm = 1000;
    private Path jar = Path.of("duplex-app/target/duplex.jar");
    private boolean write;

    public static void main(String[] args) throws Exception {
        RoomsBenchmark b = new RoomsBenchmark();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--members" -> b.members = Integer.parseInt(args[++i]);
                case "--senders" -> b.senders = Math.min(Member.MAX_SENDERS, Integer.parseInt(args[++i]));
                case "--rate" -> b.rate = Integer.parseInt(args[++i]);
                case "--seconds" -> b.seconds = Integer.parseInt(args[++i]);
                case "--storm" -> b.storm = Integer.parseInt(args[++i]);
                case "--jar" -> b.jar = Path.of(args[++i]);
                case "--write" -> b.write = true;
                default -> {
                    System.err.println("usage: RoomsBenchmark [--members 300] [--senders 10] [--rate 200] "
                            + "[--seconds 10] [--storm 1000] [--jar duplex-app/target/duplex.jar] [--write]");
                    System.exit(2);
                }
            }
        }
        b.run();
    }

    private void run() throws Exception {
        String started = Instant.now().truncatedTo(ChronoUnit.MINUTES).toString();
        double[] loadBefore = loadAverage();
        List<Result> results = new ArrayList<>();
        for (Setup s : List.of(new Setup("in-memory log, 1 node", 1, false),
                new Setup("Redis Streams, 1 node", 1, true),
                new Setup("Redis Streams, 3 nodes", 3, true))) {
            System.out.println("== " + s.label());
            try (Cluster cluster = Cluster.start(jar, s.nodes(), s.redis())) {
                results.add(measure(s, cluster));
            }
            System.out.println(row(results.getLast()));
        }
        String section = section(started, loadBefore, loadAverage(), results);
        System.out.println();
        System.out.println(section);
        if (write) {
            writeSection(section);
        }
    }

    private Result measure(Setup setup, Cluster cluster) throws Exception {
        List<HttpClient> clients = new ArrayList<>();
        try {
            Histogram latency = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            List<Member> room = connect(cluster, "fanout", members, clients, latency, 0);
            long start = System.nanoTime();
            long perSender = (long) rate * seconds / senders;
            pace(room.subList(0, senders), perSender);
            boolean complete = await(() -> room.stream().allMatch(m -> allFrom(m, perSender)), 60);
            long end = System.nanoTime();
            long delivered = room.stream().mapToLong(Member::delivered).sum();
            double perSecond = delivered / ((end - start) / 1e9);
            String problem = room.stream().map(Member::problem).filter(p -> p != null).findFirst().orElse(null);
            room.forEach(Member::drop);

            Histogram ignored = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
            List<Member> crowd = connect(cluster, "storm", storm, clients, ignored, 1);
            Member talker = connect(cluster, "storm", 1, clients, ignored, 0).getFirst();
            long[] said = {0};
            Thread talking = Thread.ofVirtual().start(() -> {
                long next = System.nanoTime();
                while (!Thread.currentThread().isInterrupted()) {
                    talker.say(0, said[0]).join();
                    synchronized (said) {
                        said[0]++;
                    }
                    next += TimeUnit.MILLISECONDS.toNanos(10);
                    LockSupport.parkNanos(next - System.nanoTime()); // 100 messages/s
                }
            });
            await(() -> crowd.stream().allMatch(m -> m.received(0) >= 100), 60);
            long atDrop;
            synchronized (said) {
                atDrop = said[0];
            }
            crowd.forEach(m -> m.awaitNumber(atDrop));
            long dropped = System.nanoTime();
            crowd.forEach(Member::drop);
            List<CompletableFuture<Void>> back = new ArrayList<>();
            for (int i = 0; i < crowd.size(); i++) {
                back.add(crowd.get(i).connect(cluster.room(i + 2, "storm"))); // the next node, if any
            }
            CompletableFuture.allOf(back.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
            boolean caughtUp = await(() -> crowd.stream().allMatch(m -> m.reachedAt() != 0), 120);
            double catchUp = crowd.stream().mapToLong(Member::reachedAt).max().orElse(dropped) - dropped;
            talking.interrupt();
            talking.join();
            long last = said[0];
            boolean whole = caughtUp && await(() -> crowd.stream().allMatch(m -> m.received(0) >= last), 60);
            int resumed = (int) crowd.stream().filter(Member::resumed).count();
            if (problem == null) {
                problem = crowd.stream().map(Member::problem).filter(p -> p != null).findFirst().orElse(null);
            }
            crowd.forEach(Member::drop);
            talker.drop();
            return new Result(setup, perSecond, latency.getValueAtPercentile(50), latency.getValueAtPercentile(99),
                    complete, catchUp / 1e6, resumed, whole && problem == null, problem);
        } finally {
            clients.forEach(HttpClient::shutdownNow); // close() would wait for every exchange to end
        }
    }

    private boolean allFrom(Member m, long perSender) {
        for (int s = 0; s < senders; s++) {
            if (m.received(s) < perSender) {
                return false;
            }
        }
        return true;
    }

    /** Says {@code perSender} messages from each sender, spread evenly over {@code --seconds}. */
    private void pace(List<Member> from, long perSender) {
        long gap = TimeUnit.SECONDS.toNanos(1) / rate;
        long next = System.nanoTime();
        for (long n = 0; n < perSender; n++) {
            for (int s = 0; s < from.size(); s++) {
                from.get(s).say(s, n).join();
                next += gap;
                LockSupport.parkNanos(next - System.nanoTime());
            }
        }
    }

    /** {@code count} members, round robin over the nodes from node {@code firstNode}, all welcomed. */
    private static List<Member> connect(Cluster cluster, String room, int count, List<HttpClient> clients,
                                        Histogram latency, int firstNode) throws Exception {
        List<Member> out = new ArrayList<>();
        for (int batch = 0; batch < count; batch += 100) {
            HttpClient http = HttpClient.newHttpClient(); // one selector thread per 100 members
            clients.add(http);
            List<CompletableFuture<Void>> welcomed = new ArrayList<>();
            for (int i = batch; i < Math.min(count, batch + 100); i++) {
                Member m = new Member(http, room + "-" + firstNode + "-" + i, latency);
                out.add(m);
                welcomed.add(m.connect(cluster.room(firstNode + i, room)));
            }
            CompletableFuture.allOf(welcomed.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        }
        return out;
    }

    private static boolean await(java.util.function.BooleanSupplier done, int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return true;
    }

    private String row(Result r) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %,d | %,d | %s | %,.0f | %d / %d | %s |",
                r.setup().label(), r.deliveriesPerSecond(), r.p50(), r.p99(), r.fanOutComplete() ? "yes" : "NO",
                r.catchUpMillis(), r.resumed(), storm, r.stormComplete() ? "yes" : "NO: " + r.problem());
    }

    private String section(String started, double[] before, double[] after, List<Result> results) {
        StringBuilder b = new StringBuilder();
        b.append("Measured ").append(started).append(" with `duplex-bench/rooms.sh")
                .append(String.format(Locale.ROOT, " --members %d --senders %d --rate %d --seconds %d --storm %d`",
                        members, senders, rate, seconds, storm))
                .append(String.format(Locale.ROOT, "; load average before %.2f %.2f %.2f, after %.2f %.2f %.2f; %d CPUs.%n%n",
                        before[0], before[1], before[2], after[0], after[1], after[2],
                        Runtime.getRuntime().availableProcessors()));
        b.append("| setup | deliveries/s | p50 µs | p99 µs | all delivered | storm: all caught up after ms | resumed | storm: nothing missing or repeated |\n");
        b.append("|---|--:|--:|--:|:-:|--:|--:|:-:|\n");
        results.forEach(r -> b.append(row(r)).append('\n'));
        return b.toString();
    }

    private static double[] loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
        } catch (IOException | RuntimeException e) {
            return new double[] {-1, -1, -1};
        }
    }

    private static void writeSection(String section) throws IOException {
        Path doc = Path.of("docs/performance.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        String begin = "<!-- rooms-benchmark:begin -->";
        String end = "<!-- rooms-benchmark:end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException("docs/performance.md has no " + begin + " … " + end + " markers");
        }
        Files.writeString(doc, text.substring(0, from + begin.length()) + "\n" + section + text.substring(to),
                StandardCharsets.UTF_8);
        System.out.println("wrote the rooms-benchmark section of " + doc);
    }
}
