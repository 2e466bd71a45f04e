package dev.duplex.bench.load;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * One load run against a server that is already listening, for manual use:
 * <pre>
 * java -cp duplex-bench/target/benchmarks.jar dev.duplex.bench.load.LoadMain echo --port 8080 \
 *     --connections 100 --in-flight 16 --size 32 [--binary] [--raw] [--warmup 2] [--measure 5]
 * </pre>
 * {@code idle --port N --pid PID [--node] [--connections N] [--idle-warmup M] [--hold S]} (server memory per
 * idle connection, after M × N warm-up connections; see {@link IdleLoad}),
 * {@code handshakes --port N [--workers K] [--keystore wss.p12 [--resume]]} (connection lives per second, see
 * {@link HandshakeLoad}; {@code wss} with the server's keystore, made by {@link TestCertificate}),
 * or {@code broadcast --port N [--members M] [--window W]} against a chat (broadcast) server.
 * The whole suite (servers started, rounds, the table in docs/performance.md) is {@link Suite}.
 */
public final class LoadMain {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("broadcast")) {
            BroadcastLoad.Result r = BroadcastLoad.run(
                    new InetSocketAddress(opt(args, "--host", "127.0.0.1"), Integer.parseInt(opt(args, "--port", "8080"))),
                    opt(args, "--path", "/"), Integer.parseInt(opt(args, "--members", "1000")),
                    Integer.parseInt(opt(args, "--window", "8")),
                    seconds(opt(args, "--warmup", "2")), seconds(opt(args, "--measure", "5")));
            Histogram h = r.latency();
            System.out.printf("%,.0f deliveries/s  %,d broadcasts  p50 %s  p99 %s%n", r.deliveriesPerSecond(),
                    r.broadcasts(), micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)));
            return;
        }
        if (args.length > 0 && args[0].equals("handshakes")) {
            String keystore = opt(args, "--keystore", null);
            try (GeneratorTls tls = keystore == null ? null : GeneratorTls.trusting(java.nio.file.Path.of(keystore))) {
                HandshakeLoad.Result r = HandshakeLoad.run(
                        new InetSocketAddress(opt(args, "--host", "127.0.0.1"), Integer.parseInt(opt(args, "--port", "8080"))),
                        opt(args, "--path", "/"), Integer.parseInt(opt(args, "--workers", "16")), tls, flag(args, "--resume"),
                        seconds(opt(args, "--warmup", "2")), seconds(opt(args, "--measure", "5")));
                Histogram h = r.latency();
                System.out.printf("%,.0f handshakes/s  p50 %s  p99 %s  resumed %.0f%%%n", r.perSecond(),
                        micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)), r.resumedShare() * 100);
            }
            return;
        }
        if (args.length > 0 && args[0].equals("idle")) {
            long pid = Long.parseLong(opt(args, "--pid", "0"));
            int port = Integer.parseInt(opt(args, "--port", "8080"));
            try (MemoryProbe probe = flag(args, "--node") ? MemoryProbe.node(pid, port) : MemoryProbe.jvm(pid)) {
                IdleLoad.Result r = IdleLoad.run(new InetSocketAddress(opt(args, "--host", "127.0.0.1"), port),
                        opt(args, "--path", "/"), Integer.parseInt(opt(args, "--connections", "10000")),
                        Integer.parseInt(opt(args, "--idle-warmup", Integer.toString(IdleLoad.DEFAULT_WARMUP))), probe,
                        (long) (Double.parseDouble(opt(args, "--hold", "0")) * 1000));
                System.out.println(r.trace());
                System.out.printf("%,.0f B/conn (RSS %,.0f, heap %,.0f)%n", r.totalPerConnection(),
                        r.rssPerConnection(), r.heapPerConnection());
            }
            return;
        }
        if (args.length == 0 || !args[0].equals("echo")) {
            System.err.println("usage: LoadMain echo --port N [--host H] [--path /] [--connections C] [--in-flight P]"
                    + " [--size BYTES] [--binary] [--raw] [--keystore wss.p12] [--warmup S] [--measure S] [--threads T]");
            System.exit(2);
        }
        InetSocketAddress address = new InetSocketAddress(opt(args, "--host", "127.0.0.1"),
                Integer.parseInt(opt(args, "--port", "8080")));
        EchoLoad.Spec spec = new EchoLoad.Spec(
                Integer.parseInt(opt(args, "--connections", "100")),
                Integer.parseInt(opt(args, "--in-flight", "1")),
                Integer.parseInt(opt(args, "--size", "32")),
                flag(args, "--binary"));
        String keystore = opt(args, "--keystore", null);
        EchoLoad.Result r;
        try (GeneratorTls tls = keystore == null ? null : GeneratorTls.trusting(java.nio.file.Path.of(keystore))) {
            r = EchoLoad.run(address, opt(args, "--path", "/"), spec, flag(args, "--raw"), tls,
                    seconds(opt(args, "--warmup", "2")), seconds(opt(args, "--measure", "5")),
                    Integer.parseInt(opt(args, "--threads", "1")));
        }
        System.out.println(describe(r));
    }

    static String describe(EchoLoad.Result r) {
        Histogram h = r.latency();
        return String.format("%,.0f msg/s  %,.1f MB/s  p50 %s  p99 %s  p99.9 %s  (%,d messages in %.2f s)",
                r.messagesPerSecond(), r.megabytesPerSecond(),
                micros(h.getValueAtPercentile(50)), micros(h.getValueAtPercentile(99)),
                micros(h.getValueAtPercentile(99.9)), r.messages(), r.seconds());
    }

    static String micros(long nanos) {
        return String.format("%,.0f µs", nanos / 1e3);
    }

    static long seconds(String s) {
        return (long) (Double.parseDouble(s) * TimeUnit.SECONDS.toNanos(1));
    }

    static String opt(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    static boolean flag(String[] args, String name) {
        for (String a : args) {
            if (a.equals(name)) {
                return true;
            }
        }
        return false;
    }
}
