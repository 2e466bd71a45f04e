package dev.duplex.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The whole load benchmark in one process (the load generator): starts each server in its own
 * process, runs each workload against every server in turn (workload by workload, so the figures a
 * ratio compares are taken seconds apart), rotates the servers' order from round to round,
 * and writes the medians, as ratios against Netty NIO, into docs/performance.md.
 * Run it with {@code duplex-bench/run.sh}; {@code --help} lists the options.
 */
public final class Suite {
    /** What a workload measures, and so which servers (or clients) it runs against. */
    enum Kind { ECHO, IDLE, BROADCAST, HANDSHAKES, CLIENT }

    /**
     * The echo workloads (a–d), the other two of issue 7 (e, f), and issue 21's races: {@code wss}
     * echo (g, h), handshakes per second (i, j, k) and the client race (l, m).
     */
    enum Workload {
        A("a", "100 connections × 32 B text, 1 in flight", Kind.ECHO, false, new EchoLoad.Spec(100, 1, 32, false)),
        B("b", "100 connections × 32 B text, 16 in flight", Kind.ECHO, false, new EchoLoad.Spec(100, 16, 32, false)),
        C("c", "10 connections × 64 KiB binary, 1 in flight", Kind.ECHO, false, new EchoLoad.Spec(10, 1, 64 * 1024, true)),
        D("d", "1 connection × 16 MiB binary, 1 in flight", Kind.ECHO, false, new EchoLoad.Spec(1, 1, 16 << 20, true)),
        E("e", "idle connections: server memory per connection", Kind.IDLE, false, null),
        F("f", "chat broadcast: one message out to every member", Kind.BROADCAST, false, null),
        G("g", "wss: 100 connections × 32 B text, 1 in flight", Kind.ECHO, true, new EchoLoad.Spec(100, 1, 32, false)),
        H("h", "wss: 10 connections × 64 KiB binary, 1 in flight", Kind.ECHO, true, new EchoLoad.Spec(10, 1, 64 * 1024, true)),
        I("i", "ws handshakes/s: connect, upgrade, close", Kind.HANDSHAKES, false, null),
        J("j", "wss handshakes/s: connect, full TLS 1.3 handshake, upgrade, close", Kind.HANDSHAKES, true, null),
        K("k", "wss handshakes/s with TLS 1.3 session resumption (tickets)", Kind.HANDSHAKES, true, null),
        L("l", "client race: 100 connections × 32 B text, 1 in flight", Kind.CLIENT, false, new EchoLoad.Spec(100, 1, 32, false)),
        M("m", "client race: 100 connections × 32 B text, 16 in flight", Kind.CLIENT, false, new EchoLoad.Spec(100, 16, 32, false));

        final String key;
        final String title;
        final Kind kind;
        final boolean tls;
        final EchoLoad.Spec spec;

        Workload(String key, String title, Kind kind, boolean tls, EchoLoad.Spec spec) {
            this.key = key;
            this.title = title;
            this.kind = kind;
            this.tls = tls;
            this.spec = spec;
        }

        /** Runs against the plain (ws) echo servers. */
        boolean plainServers() {
            return !tls && (kind == Kind.ECHO || kind == Kind.IDLE || kind == Kind.HANDSHAKES);
        }

        static Workload of(String key) {
            for (Workload w : values()) {
                if (w.key.equals(key)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("no workload " + key);
        }
    }

    /** Command-line options, with the defaults of the published run. */
    static final class Options {
        Path root = Path.of(".").toAbsolutePath().normalize();
        Path jar = Path.of("duplex-bench/target/benchmarks.jar");
        Path out = Path.of("docs/performance.md");
        int rounds = 3;
        double firstWarmup = 3;
        double warmup = 0.75;
        double measure = 1.5;
        int idleConnections = 10_000;
        /** 1 x N warm-up connections in the published run (3 x N repeats the heap to a few bytes too, but triples (e)'s time). */
        int idleWarmup = 1;
        int members = 1_000;
        int window = 8;
        int handshakeWorkers = 16;
        List<String> clients;
        /** The run's wss keystore (made by the suite when a wss workload is selected). */
        Path keystore;
        String serverCpu;
        String generatorCpu;
        /**
         * Selector threads of the echo generator: one per CPU it may run on (the JVM counts only the
         * CPUs of its {@code taskset} mask), so on a larger machine it is not one thread against
         * servers with an event loop per core.
         */
        int generatorThreads = Runtime.getRuntime().availableProcessors();
        List<String> servers;
        List<Workload> workloads = List.of(Workload.values());
        String command = "duplex-bench/run.sh";
        String duplexVersion = "working tree";
        String note = "";
        boolean write = true;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String v = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--root" -> o.root = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--jar" -> o.jar = Path.of(args[++i]);
                    case "--out" -> o.out = Path.of(args[++i]);
                    case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
                    case "--first-warmup" -> o.firstWarmup = Double.parseDouble(args[++i]);
                    case "--warmup" -> o.warmup = Double.parseDouble(args[++i]);
                    case "--measure" -> o.measure = Double.parseDouble(args[++i]);
                    case "--idle-connections" -> o.idleConnections = Integer.parseInt(args[++i]);
                    case "--idle-warmup" -> o.idleWarmup = Integer.parseInt(args[++i]);
                    case "--members" -> o.members = Integer.parseInt(args[++i]);
                    case "--window" -> o.window = Integer.parseInt(args[++i]);
                    case "--handshake-workers" -> o.handshakeWorkers = Integer.parseInt(args[++i]);
                    case "--clients" -> o.clients = List.of(args[++i].split(","));
                    case "--server-cpu" -> o.serverCpu = args[++i];
                    case "--generator-cpu" -> o.generatorCpu = args[++i];
                    case "--generator-threads" -> o.generatorThreads = Integer.parseInt(args[++i]);
                    case "--servers" -> o.servers = List.of(args[++i].split(","));
                    case "--workloads" -> o.workloads = Arrays.stream(args[++i].split(",")).map(Workload::of).toList();
                    case "--command" -> o.command = args[++i];
                    case "--duplex-version" -> o.duplexVersion = args[++i];
                    case "--note" -> o.note = args[++i];
                    case "--no-write" -> o.write = false;
                    default -> {
                        System.err.println("unknown option " + a + (v == null ? "" : "") + "\n" + USAGE);
                        System.exit(2);
                    }
                }
            }
            o.jar = o.root.resolve(o.jar);
            o.out = o.root.resolve(o.out);
            return o;
        }
    }

    static final String USAGE = """
            options: --rounds N --first-warmup S --warmup S --measure S --servers id,id,...
                     --workloads a,...,m --idle-connections N --idle-warmup M (× N connections)
                     --members M --window W --handshake-workers K (i, j, k)
                     --clients duplex,duplex-loop,netty,okhttp,jdk,java-websocket (l, m)
                     --server-cpu LIST --generator-cpu LIST (for the report; run.sh pins)
                     --generator-threads T (default: the generator's CPUs)
                     --out FILE --no-write --note TEXT --duplex-version TEXT --command TEXT""";

    private final Options o;
    private final Results results = new Results();
    private final Path logs;
    private final PrintStream log = System.out;

    private Suite(Options o) throws IOException {
        this.o = o;
        this.logs = o.root.resolve("duplex-bench/target/load-logs");
        Files.createDirectories(logs);
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(USAGE);
            return;
        }
        Options o = Options.parse(args);
        new Suite(o).run();
    }

    static List<ServerSpec> allServers() {
        List<ServerSpec> s = new ArrayList<>();
        if (duplexAvailable()) {
            s.add(ServerSpec.java("duplex", "Duplex", "dev.duplex.bench.peers.DuplexServer"));
        }
        s.add(ServerSpec.java("netty-nio", "Netty NIO", "dev.duplex.bench.peers.NettyServer", "--transport", "nio"));
        s.add(ServerSpec.java("netty-epoll", "Netty epoll", "dev.duplex.bench.peers.NettyServer", "--transport", "epoll"));
        s.add(ServerSpec.java("jetty", "Jetty", "dev.duplex.bench.peers.JettyEchoServer"));
        s.add(ServerSpec.java("java-websocket", "Java-WebSocket", "dev.duplex.bench.peers.JavaWebSocketEchoServer"));
        s.add(ServerSpec.nodeScript("node-ws", "Node ws", "duplex-bench/peers/ws-server.js", false));
        s.add(ServerSpec.java("tcp-echo", "plain TCP echo", "dev.duplex.bench.peers.TcpEchoServer").asRaw());
        if (duplexAvailable()) {
            s.add(ServerSpec.tlsJava("duplex-wss", "Duplex (JDK TLS)", "dev.duplex.bench.peers.DuplexServer"));
            s.add(ServerSpec.tlsJava("duplex-wss-boringssl", "Duplex + BoringSSL (Conscrypt; `duplex echo`'s default)",
                    "dev.duplex.bench.peers.DuplexServer", "--tls-engine", "boringssl"));
        }
        s.add(ServerSpec.tlsJava("netty-epoll-jdk-wss", "Netty epoll + JDK TLS", "dev.duplex.bench.peers.NettyServer",
                "--transport", "epoll", "--tls", "jdk"));
        s.add(ServerSpec.tlsJava("netty-epoll-openssl-wss", "Netty epoll + OpenSSL (BoringSSL)",
                "dev.duplex.bench.peers.NettyServer", "--transport", "epoll", "--tls", "openssl"));
        s.add(ServerSpec.tlsJava("jetty-wss", "Jetty (JDK TLS)", "dev.duplex.bench.peers.JettyEchoServer"));
        s.add(ServerSpec.tlsJava("tls-echo", "TLS echo (Netty epoll + OpenSSL)", "dev.duplex.bench.peers.NettyServer",
                "--transport", "epoll", "--tls", "openssl", "--mode", "raw-echo").asRaw());
        if (duplexAvailable()) {
            s.add(ServerSpec.chatJava("duplex-chat", "Duplex", "dev.duplex.bench.peers.DuplexServer", "--mode", "broadcast"));
        }
        s.add(ServerSpec.chatJava("netty-nio-chat", "Netty NIO", "dev.duplex.bench.peers.NettyServer",
                "--transport", "nio", "--mode", "broadcast"));
        return s;
    }

    static boolean duplexAvailable() {
        try {
            Class.forName("dev.duplex.bench.peers.DuplexServer", false, Suite.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private void run() throws IOException {
        List<ServerSpec> servers = allServers().stream()
                .filter(s -> o.servers == null || o.servers.contains(s.id()))
                .toList();
        List<ServerSpec> echo = servers.stream().filter(s -> !s.chat() && !s.tls()).toList();
        List<ServerSpec> chat = servers.stream().filter(ServerSpec::chat).toList();
        List<ServerSpec> wss = servers.stream().filter(ServerSpec::tls).toList();
        List<Workload> plain = o.workloads.stream().filter(Workload::plainServers).toList();
        List<Workload> secure = o.workloads.stream().filter(w -> w.tls).toList();
        List<Workload> race = o.workloads.stream().filter(w -> w.kind == Kind.CLIENT).toList();
        GeneratorTls tls = null;
        if (!secure.isEmpty() && !wss.isEmpty()) {
            o.keystore = TestCertificate.generate(logs.resolve("wss-p256.p12"));
            tls = GeneratorTls.trusting(o.keystore);
        }
        Instant started = Instant.now();
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        for (int round = 1; round <= o.rounds; round++) {
            log.printf("== round %d of %d (%.0f s so far)%n", round, o.rounds, (System.nanoTime() - t0) / 1e9);
            if (!plain.isEmpty()) {
                echoRound(rotate(echo, round), round, plain, null);
            }
            if (tls != null) {
                echoRound(rotate(wss, round), round, secure, tls);
            }
            if (!race.isEmpty()) {
                clientRound(rotate(raceClients(o), round), round, race);
            }
            if (o.workloads.contains(Workload.F)) {
                for (ServerSpec s : rotate(chat, round)) {
                    broadcastRound(s, round);
                }
            }
        }
        if (tls != null) {
            tls.close();
        }
        double minutes = (System.nanoTime() - t0) / 60e9;
        log.printf("== done in %.1f min%n", minutes);
        Report report = new Report(o, results, servers, started, minutes, loadBefore, Machine.loadAverage());
        String md = report.markdown();
        Files.writeString(logs.resolve("last-report.md"), md);
        if (o.write) {
            report.writeInto(o.out);
            log.println("wrote " + o.out);
        } else {
            log.println(md);
        }
    }

    /** Round r starts with a different server each time, so no server always runs first or last. */
    private static <T> List<T> rotate(List<T> list, int round) {
        List<T> r = new ArrayList<>(list);
        if (!r.isEmpty()) {
            java.util.Collections.rotate(r, -((round - 1) % r.size()));
        }
        return r;
    }

    /**
     * One round of the echo servers, workload by workload: every server is started (fresh, so (e)
     * sees a new process), then each workload runs against each server in turn before the next
     * workload starts. A ratio's two figures (Duplex and Netty NIO, or Duplex and the TCP echo) are
     * so measured seconds apart, not minutes: this machine's speed drifts by up to 2× over minutes.
     */
    private void echoRound(List<ServerSpec> order, int round, List<Workload> workloads, GeneratorTls tls) {
        Map<ServerSpec, ServerProcess> running = new LinkedHashMap<>();
        try {
            for (ServerSpec s : order) {
                long t = System.nanoTime();
                try {
                    ServerProcess server = ServerProcess.start(s, o, logs.resolve(s.id() + "-r" + round + ".log"));
                    running.put(s, server);
                    log.printf("-- %s (pid %d, port %d) started in %.1f s%n", s.label(), server.pid(), server.port,
                            (System.nanoTime() - t) / 1e9);
                } catch (IOException e) {
                    for (Workload w : workloads) {
                        fail(w, s, e);
                    }
                }
            }
            if (workloads.contains(Workload.E)) {
                log.printf("== e%n");
                for (Map.Entry<ServerSpec, ServerProcess> r : running.entrySet()) {
                    if (!r.getKey().raw()) {
                        signalOthers("STOP", running.values(), r.getValue());
                        try {
                            idle(r.getKey(), r.getValue());
                        } finally {
                            signalOthers("CONT", running.values(), r.getValue());
                        }
                    }
                }
            }
            java.util.Set<ServerSpec> warmed = new java.util.HashSet<>();
            for (Workload w : workloads) {
                if (w.kind != Kind.ECHO && w.kind != Kind.HANDSHAKES) {
                    continue;
                }
                log.printf("== %s%n", w.key);
                for (Map.Entry<ServerSpec, ServerProcess> r : running.entrySet()) {
                    if (w.kind == Kind.HANDSHAKES && r.getKey().raw()) {
                        continue; // the TCP echo has no handshake
                    }
                    signalOthers("STOP", running.values(), r.getValue());
                    try {
                        if (w.kind == Kind.ECHO) {
                            echo(w, r.getKey(), r.getValue(), warmed.add(r.getKey()), running.values(), tls);
                        } else {
                            handshakes(w, r.getKey(), r.getValue(), warmed.add(r.getKey()), tls);
                        }
                    } finally {
                        signalOthers("CONT", running.values(), r.getValue());
                    }
                }
            }
        } finally {
            running.values().forEach(ServerProcess::close);
        }
    }

    private void idle(ServerSpec s, ServerProcess server) {
        long t = System.nanoTime();
        try (MemoryProbe probe = server.memoryProbe()) {
            IdleLoad.Result r = IdleLoad.run(server.address(), "/", o.idleConnections, o.idleWarmup, probe);
            log.printf("   e  %-14s %,.0f B/conn (rss %,.0f + heap %,.0f)  [%.1f s]%n      %s%n", s.id(),
                    r.totalPerConnection(), r.rssPerConnection(), r.heapPerConnection(),
                    (System.nanoTime() - t) / 1e9, r.trace());
            results.add(Workload.E, s.id(), new double[] {
                    r.totalPerConnection(), r.rssPerConnection(), r.heapPerConnection()});
        } catch (IOException | RuntimeException e) {
            fail(Workload.E, s, e);
        }
    }

    /** One echo workload against one server; its first workload gets the long warm-up (JIT). */
    private void echo(Workload w, ServerSpec s, ServerProcess server, boolean first, java.util.Collection<ServerProcess> all,
                      GeneratorTls tls) {
        try {
            // CPU use of both sides over warm-up and measurement, for the log: which one was the limit.
            var self = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long t0 = System.nanoTime();
            long server0 = MemoryProbe.cpuTicks(server.pid());
            long self0 = self.getProcessCpuTime();
            long others0 = othersTicks(all, server);
            EchoLoad.Result r;
            long peakRss;
            try (PeakRss rss = new PeakRss(server.pid())) {
                r = EchoLoad.run(server.address(), "/", w.spec, s.raw(), tls,
                        nanos(first ? o.firstWarmup : o.warmup), nanos(o.measure), o.generatorThreads);
                peakRss = rss.peak();
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double serverCpu = (MemoryProbe.cpuTicks(server.pid()) - server0) / 100.0 / wall;
            double selfCpu = (self.getProcessCpuTime() - self0) / 1e9 / wall;
            double othersCpu = (othersTicks(all, server) - others0) / 100.0 / wall;
            Histogram h = r.latency();
            log.printf("   %s  %-14s %s  cpu: server %.0f%%, generator %.0f%%, other servers %.0f%%; peak RSS %.0f MB%n",
                    w.key, s.id(), LoadMain.describe(r), serverCpu * 100, selfCpu * 100, othersCpu * 100, peakRss / 1e6);
            results.add(w, s.id(), new double[] {
                    r.messagesPerSecond(), r.megabytesPerSecond(),
                    h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    h.getValueAtPercentile(99.9) / 1e3, serverCpu * 100, selfCpu * 100, peakRss / 1e6});
        } catch (IOException | RuntimeException e) {
            fail(w, s, e);
        }
    }

    /**
     * Handshakes per second against one server (i: ws, j: wss, k: wss resuming sessions): the
     * server's first workload gets the long warm-up, the others the short one.
     */
    private void handshakes(Workload w, ServerSpec s, ServerProcess server, boolean first, GeneratorTls tls) {
        try {
            var self = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long t0 = System.nanoTime();
            long server0 = MemoryProbe.cpuTicks(server.pid());
            long self0 = self.getProcessCpuTime();
            HandshakeLoad.Result r = HandshakeLoad.run(server.address(), "/", o.handshakeWorkers,
                    w.tls ? tls : null, w == Workload.K, nanos(first ? o.firstWarmup : o.warmup), nanos(o.measure));
            if (r.handshakes() < MIN_HANDSHAKES) {
                throw new IOException("only " + r.handshakes() + " handshakes ended inside the measured interval "
                        + "(each took longer: a stalled server, or machine)");
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double serverCpu = (MemoryProbe.cpuTicks(server.pid()) - server0) / 100.0 / wall;
            double selfCpu = (self.getProcessCpuTime() - self0) / 1e9 / wall;
            Histogram h = r.latency();
            log.printf("   %s  %-14s %,.0f handshakes/s  p50 %s  p99 %s  resumed %.0f%%  cpu: server %.0f%%, generator %.0f%%%n",
                    w.key, s.id(), r.perSecond(), LoadMain.micros(h.getValueAtPercentile(50)),
                    LoadMain.micros(h.getValueAtPercentile(99)), r.resumedShare() * 100, serverCpu * 100, selfCpu * 100);
            results.add(w, s.id(), new double[] {
                    r.perSecond(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
                    r.resumedShare() * 100, serverCpu * 100, selfCpu * 100});
        } catch (IOException | RuntimeException e) {
            fail(w, s, e);
        }
    }

    /** Fewer handshakes than this in the measured interval is a failure, not a figure. */
    private static final int MIN_HANDSHAKES = 3;

    /** The client race's contestants: id for {@code ClientRace --client}, and the report's label. */
    record RaceClientSpec(String id, String label) {}

    static final List<RaceClientSpec> RACE_CLIENTS = List.of(
            new RaceClientSpec("duplex", "Duplex `dev.duplex.WebSocket` (per-socket dispatcher, the default)"),
            new RaceClientSpec("duplex-loop", "Duplex `dev.duplex.WebSocket` with `dispatchOnLoop`"),
            new RaceClientSpec("netty", "Netty `WebSocketClientProtocolHandler` (epoll)"),
            new RaceClientSpec("okhttp", "OkHttp"),
            new RaceClientSpec("jdk", "JDK `java.net.http.WebSocket`"),
            new RaceClientSpec("java-websocket", "Java-WebSocket `WebSocketClient`"));

    /**
     * The one echo server every client talks to in the race: the fastest server of (a) and (b), so
     * that the server is not what the race measures (Netty epoll's core was at 92-96 % with Netty's
     * and Duplex's clients alike in both workloads, and they tied at its ceiling).
     */
    static final ServerSpec RACE_SERVER = ServerSpec.java("race-duplex", "Duplex",
            "dev.duplex.bench.peers.DuplexServer");

    static List<RaceClientSpec> raceClients(Options o) {
        return RACE_CLIENTS.stream().filter(c -> o.clients == null || o.clients.contains(c.id())).toList();
    }

    /**
     * One round of the client race: one fixed server (its own process, on the servers' CPU), each
     * client in a fresh process of its own on the generator's CPU for each selected workload; the
     * suite itself waits meanwhile.
     */
    private void clientRound(List<RaceClientSpec> order, int round, List<Workload> workloads) {
        Path logFile = logs.resolve(RACE_SERVER.id() + "-r" + round + ".log");
        try (ServerProcess server = ServerProcess.start(RACE_SERVER, o, logFile)) {
            log.printf("-- client race against %s (pid %d, port %d)%n", RACE_SERVER.label(), server.pid(), server.port);
            for (RaceClientSpec c : order) {
                // A process per workload: the JIT's profile from 1 in flight cost every client ~1 s of
                // recompiling at 16, more than the warm-up between workloads.
                for (Workload w : workloads) {
                    raceClient(c, server, List.of(w), logs.resolve("client-" + c.id() + "-r" + round + ".log"));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Workload w : workloads) {
                for (RaceClientSpec c : order) {
                    fail(w, c.id(), e);
                }
            }
        }
    }

    private void raceClient(RaceClientSpec c, ServerProcess server, List<Workload> workloads, Path logFile) {
        List<String> cmd = new ArrayList<>();
        if (o.generatorCpu != null) {
            cmd.addAll(List.of("taskset", "-c", o.generatorCpu));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ServerProcess.JVM_FLAGS);
        StringBuilder inFlight = new StringBuilder();
        for (Workload w : workloads) {
            inFlight.append(inFlight.isEmpty() ? "" : ",").append(w.spec.inFlight());
        }
        EchoLoad.Spec spec = workloads.get(0).spec;
        cmd.addAll(List.of("-cp", o.jar.toString(), "dev.duplex.bench.clients.ClientRace", "--client", c.id(),
                "--port", Integer.toString(server.port), "--connections", Integer.toString(spec.connections()),
                "--size", Integer.toString(spec.payloadSize()), "--in-flight", inFlight.toString(),
                "--first-warmup", Double.toString(o.firstWarmup), "--warmup", Double.toString(o.warmup),
                "--measure", Double.toString(o.measure)));
        Process p = null;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            long serverTicks = 0;
            long at = 0;
            try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8))) {
                String line;
                int done = 0;
                while ((line = out.readLine()) != null) {
                    append(logFile, line + "\n");
                    String[] f = line.split(" ");
                    if (f[0].equals("MEASURING")) {
                        serverTicks = MemoryProbe.cpuTicks(server.pid());
                        at = System.nanoTime();
                    } else if (f[0].equals("RESULT") || f[0].equals("FAILED")) {
                        Workload w = workloads.get(done++);
                        if (f[0].equals("FAILED")) {
                            fail(w, c.id(), new IOException(line.substring(line.indexOf(' ', 7) + 1)));
                            continue;
                        }
                        double serverCpu = (MemoryProbe.cpuTicks(server.pid()) - serverTicks) / 100.0
                                / ((System.nanoTime() - at) / 1e9) * 100;
                        double rate = Double.parseDouble(f[2]);
                        double clientCpu = Double.parseDouble(f[4]);
                        log.printf("   %s  %-14s %,.0f msgs/s  cpu: client %.0f%%, server %.0f%%%n", w.key, c.id(), rate,
                                clientCpu, serverCpu);
                        results.add(w, c.id(), new double[] {rate, clientCpu, serverCpu});
                    }
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException("client process did not exit");
            }
            for (Workload w : workloads) {
                if (results.rounds(w, c.id()) == 0 && results.failure(w, c.id()) == null) {
                    fail(w, c.id(), new IOException("client exited " + p.exitValue() + " without a result (see " + logFile + ")"));
                }
            }
        } catch (IOException | RuntimeException e) {
            for (Workload w : workloads) {
                fail(w, c.id(), e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
        }
    }

    /**
     * Stops ({@code STOP}) or resumes ({@code CONT}) every server but {@code server}: an idle JVM still
     * wakes up (its periodic tasks, the JIT or GC finishing what its own run left), 3-7 % of the one
     * core the servers share. Stopped, the others take none of the measured server's CPU.
     */
    private void signalOthers(String signal, java.util.Collection<ServerProcess> all, ServerProcess server) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + signal));
        for (ServerProcess p : all) {
            if (p != server && p.process.isAlive()) {
                cmd.add(Long.toString(p.pid()));
            }
        }
        if (cmd.size() == 2) {
            return;
        }
        try {
            Process k = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!k.waitFor(5, TimeUnit.SECONDS) || k.exitValue() != 0) {
                log.printf("   (kill -%s failed: %s)%n", signal, new String(k.getInputStream().readAllBytes()).trim());
            }
        } catch (IOException e) {
            log.printf("   (kill -%s failed: %s)%n", signal, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CPU ticks used so far by the servers other than {@code server} (stopped: none). */
    private static long othersTicks(java.util.Collection<ServerProcess> all, ServerProcess server) throws IOException {
        long t = 0;
        for (ServerProcess p : all) {
            if (p != server) {
                t += MemoryProbe.cpuTicks(p.pid());
            }
        }
        return t;
    }

    private void broadcastRound(ServerSpec s, int round) {
        Path logFile = logs.resolve(s.id() + "-r" + round + ".log");
        try (ServerProcess server = ServerProcess.start(s, o, logFile)) {
            BroadcastLoad.Result r = BroadcastLoad.run(server.address(), "/", o.members, o.window,
                    nanos(o.firstWarmup), nanos(o.measure));
            Histogram h = r.latency();
            log.printf("-- %s chat: %,.0f deliveries/s  p50 %s  p99 %s%n", s.label(), r.deliveriesPerSecond(),
                    LoadMain.micros(h.getValueAtPercentile(50)), LoadMain.micros(h.getValueAtPercentile(99)));
            results.add(Workload.F, s.id(), new double[] {
                    r.deliveriesPerSecond(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3});
        } catch (IOException | RuntimeException e) {
            fail(Workload.F, s, e);
        }
    }

    private void fail(Workload w, ServerSpec s, Exception e) {
        fail(w, s.id(), e);
    }

    private void fail(Workload w, String id, Exception e) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        log.printf("   %s  FAILED on %s: %s%n", w.key, id, why);
        results.fail(w, id, why);
    }

    private static long nanos(double seconds) {
        return (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    }

    /** Per workload and server: one figure array per round, and failures. */
    static final class Results {
        final Map<Workload, Map<String, List<double[]>>> figures = new LinkedHashMap<>();
        final Map<Workload, Map<String, String>> failures = new LinkedHashMap<>();

        void add(Workload w, String server, double[] figure) {
            figures.computeIfAbsent(w, k -> new LinkedHashMap<>()).computeIfAbsent(server, k -> new ArrayList<>()).add(figure);
        }

        void fail(Workload w, String server, String why) {
            failures.computeIfAbsent(w, k -> new LinkedHashMap<>()).putIfAbsent(server, why);
        }

        /** Column-wise median over the rounds, or null when the server has no figure. */
        double[] median(Workload w, String server) {
            List<double[]> rounds = figures.getOrDefault(w, Map.of()).get(server);
            if (rounds == null || rounds.isEmpty()) {
                return null;
            }
            double[] m = new double[rounds.get(0).length];
            for (int c = 0; c < m.length; c++) {
                double[] col = new double[rounds.size()];
                for (int r = 0; r < col.length; r++) {
                    col[r] = rounds.get(r)[c];
                }
                Arrays.sort(col);
                int n = col.length;
                m[c] = n % 2 == 1 ? col[n / 2] : (col[n / 2 - 1] + col[n / 2]) / 2;
            }
            return m;
        }

        int rounds(Workload w, String server) {
            return figures.getOrDefault(w, Map.of()).getOrDefault(server, List.of()).size();
        }

        String failure(Workload w, String server) {
            return failures.getOrDefault(w, Map.of()).get(server);
        }
    }

    static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
