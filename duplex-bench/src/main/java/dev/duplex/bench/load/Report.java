package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** The Markdown section for docs/performance.md, between two markers that other sections leave alone. */
final class Report {
    static final String BEGIN = "<!-- load-benchmark:begin (written by duplex-bench/run.sh; edits here are overwritten) -->";
    static final String END = "<!-- load-benchmark:end -->";

    private static final String BASE = "netty-nio";
    private static final String BASE_CHAT = "netty-nio-chat";
    private static final String TCP = "tcp-echo";
    /** Issue 21's bases: the strongest peer of each race. */
    private static final String BASE_WSS = "netty-epoll-openssl-wss";
    /** Duplex's wss as `duplex echo` ships it: BoringSSL through Conscrypt (the JDK-TLS row is "duplex-wss"). */
    private static final String SHIPPED_WSS = "duplex-wss-boringssl";
    private static final String BASE_HANDSHAKES = "netty-epoll";
    private static final String BASE_CLIENT = "netty";

    private final Suite.Options o;
    private final Suite.Results r;
    private final List<ServerSpec> servers;
    private final Instant started;
    private final double minutes;
    private final String loadBefore;
    private final String loadAfter;
    private final StringBuilder md = new StringBuilder();

    Report(Suite.Options o, Suite.Results r, List<ServerSpec> servers, Instant started, double minutes,
           String loadBefore, String loadAfter) {
        this.o = o;
        this.r = r;
        this.servers = servers;
        this.started = started;
        this.minutes = minutes;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
    }

    String markdown() {
        md.setLength(0);
        line(BEGIN);
        line("## Load benchmark (end to end, over loopback)");
        line("");
        line("Measured " + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC).format(started)
                + " with `" + o.command + "` (" + String.format(Locale.ROOT, "%.1f", minutes) + " min). "
                + "Each figure is the median of " + o.rounds + " rounds; every ratio is against Netty NIO "
                + "measured in the same run. Servers alternate: within a round every server is started, then each "
                + "workload runs against each server in turn (the two figures of a ratio are seconds apart), and "
                + "each round starts with the next server. Issue 21's races (g–m) compare against their strongest "
                + "peer instead, named in each table.");
        if (!o.note.isBlank()) {
            line("");
            line("**" + o.note + "**");
        }
        line("");
        line("| | |");
        line("|---|---|");
        line("| machine | " + Machine.describe() + " |");
        line("| CPUs | " + (o.serverCpu == null ? "not pinned: servers and generator share all cores"
                : "each server pinned to CPU " + o.serverCpu + ", the load generator to CPU "
                + (o.generatorCpu == null ? "(rest)" : o.generatorCpu) + " (`taskset`)")
                + "; echo generator on " + o.generatorThreads + " selector thread" + (o.generatorThreads == 1 ? "" : "s") + " |");
        line("| load average (1/5/15 min) | before " + loadBefore + ", after " + loadAfter + " |");
        line("| JDK | " + Machine.jdk() + " (servers and generator) |");
        line("| server JVM flags | `" + String.join(" ", ServerProcess.JVM_FLAGS) + "` (all Java servers) |");
        line("| echo handlers | Duplex echoes each message part by part as it arrives (`WebSocketHandler.echo()`, as "
                + "`duplex echo` does); the peers echo whole messages, as their own echo examples do |");
        line("| versions | Duplex " + o.duplexVersion
                + ", Netty " + Machine.mavenVersion("io.netty", "netty-codec-http")
                + ", Jetty " + Machine.mavenVersion("org.eclipse.jetty.websocket", "jetty-websocket-jetty-server")
                + ", Java-WebSocket " + Machine.mavenVersion("org.java-websocket", "Java-WebSocket")
                + ", Node ws " + Machine.nodeWsVersion(o.root) + " on Node " + Machine.nodeVersion()
                + ", HdrHistogram " + Machine.mavenVersion("org.hdrhistogram", "HdrHistogram")
                + ", netty-tcnative-boringssl-static " + Machine.mavenVersion("io.netty", "netty-tcnative-classes")
                + ", OkHttp " + okhttp3.OkHttp.VERSION + " |");
        line("| TLS (g, h, j, k) | " + GeneratorTls.PROTOCOL + " only, `" + GeneratorTls.SUITE + "`, key exchange "
                + GeneratorTls.GROUP + " (the only group the generator offers), one self-signed EC P-256 certificate "
                + "(SHA256withECDSA, made by `keytool` at the start of the run) for every server; each server's TLS "
                + "defaults otherwise, the JDK's limited to that suite (`" + String.join(" ", GeneratorTls.SERVER_FLAGS)
                + "`; BoringSSL picks it first); every handshake checked to have negotiated it. Generator: BoringSSL "
                + "through Netty's `SslContext` (OpenSSL provider) used as a plain `SSLEngine` |");
        line("| timing | per server: " + fmt(o.firstWarmup) + " s warm-up before its first echo workload, "
                + fmt(o.warmup) + " s before each other one, " + fmt(o.measure) + " s measured; broadcast "
                + fmt(o.firstWarmup) + " s + " + fmt(o.measure) + " s |");
        line("");
        for (Suite.Workload w : o.workloads) {
            switch (w) {
                case A, B, C, D -> echoTable(w);
                case E -> idleTable();
                case F -> broadcastTable();
                case G, H -> wssEchoTable(w);
                case I, J, K -> handshakeTable(w);
                case L, M -> clientTable(w);
            }
        }
        targets();
        raceTargets();
        method();
        analysis();
        rounds();
        line(END);
        return md.toString();
    }

    void writeInto(Path file) throws IOException {
        String section = markdown();
        String doc;
        if (Files.exists(file)) {
            doc = Files.readString(file);
            int b = doc.indexOf(BEGIN.substring(0, BEGIN.indexOf(" (")));
            int e = doc.indexOf(END);
            if (b >= 0 && e > b) {
                doc = doc.substring(0, b) + section + doc.substring(e + END.length() + (doc.startsWith("\n", e + END.length()) ? 1 : 0));
            } else {
                doc = doc + (doc.endsWith("\n") ? "\n" : "\n\n") + section;
            }
        } else {
            Files.createDirectories(file.toAbsolutePath().getParent());
            doc = "# Performance\n\n" + section;
        }
        Files.writeString(file, doc);
    }

    private void echoTable(Suite.Workload w) {
        boolean large = w == Suite.Workload.C || w == Suite.Workload.D;
        line("### (" + w.key + ") " + w.title);
        line("");
        line("| server | msgs/s | × Netty NIO | MB/s | " + (large ? "× TCP echo | " : "")
                + "p50 µs | p99 µs | p99.9 µs | p99 × Netty NIO | CPU % server / generator |");
        line("|---|--:|--:|--:|" + (large ? "--:|" : "") + "--:|--:|--:|--:|--:|");
        double[] base = r.median(w, BASE);
        double[] tcp = r.median(w, TCP);
        for (ServerSpec s : servers) {
            if (s.chat() || s.tls()) {
                continue;
            }
            String name = s.raw() ? s.label() + " (reference: no WebSocket; the generator's ceiling)" : s.label();
            double[] m = r.median(w, s.id());
            if (m == null) {
                line("| " + name + " | " + failed(w, s.id()) + " |||" + (large ? "|" : "") + "|||||");
                continue;
            }
            line("| " + name + " | " + num(m[0]) + " | " + ratio(m[0], base, 0) + " | " + num1(m[1]) + " | "
                    + (large ? ratio(m[1], tcp, 1) + " | " : "")
                    + num(m[2]) + " | " + num(m[3]) + " | " + num(m[4]) + " | " + ratio(m[3], base, 3) + " | "
                    + (m.length > 6 ? num(m[5]) + " / " + num(m[6]) : "–") + " |");
        }
        line("");
    }

    private void wssEchoTable(Suite.Workload w) {
        line("### (" + w.key + ") " + w.title);
        line("");
        line("| server | msgs/s | × Netty epoll + OpenSSL | MB/s | p50 µs | p99 µs | p99.9 µs | p99 × Netty epoll + OpenSSL "
                + "| peak RSS MB | CPU % server / generator |");
        line("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        double[] base = r.median(w, BASE_WSS);
        for (ServerSpec s : servers) {
            if (!s.tls()) {
                continue;
            }
            double[] m = r.median(w, s.id());
            if (m == null) {
                line("| " + s.label() + " | " + failed(w, s.id()) + " ||||||||");
                continue;
            }
            String name = s.raw() ? s.label() + " (reference: Netty's TLS alone, no WebSocket)" : s.label();
            line("| " + name + " | " + num(m[0]) + " | " + ratio(m[0], base, 0) + " | " + num1(m[1]) + " | "
                    + num(m[2]) + " | " + num(m[3]) + " | " + num(m[4]) + " | " + ratio(m[3], base, 3) + " | "
                    + num(m[7]) + " | " + num(m[5]) + " / " + num(m[6]) + " |");
        }
        line("");
        if (w == Suite.Workload.H) {
            line("Peak RSS: the highest `VmRSS` sampled every 50 ms while the workload ran (every JVM server has "
                    + "the same pre-touched 512 MiB heap, so differences are native memory: direct buffers, TLS state).");
            line("");
        }
    }

    private void handshakeTable(Suite.Workload w) {
        boolean plain = w == Suite.Workload.I;
        String baseLabel = plain ? "Netty epoll" : "Netty epoll + OpenSSL";
        line("### (" + w.key + ") " + w.title);
        line("");
        line("| server | handshakes/s | × " + baseLabel + " | p50 ms | p99 ms | p99 × " + baseLabel
                + (plain ? "" : " | resumed %") + " | CPU % server / generator |");
        line("|---|--:|--:|--:|--:|--:|" + (plain ? "" : "--:|") + "--:|");
        double[] base = r.median(w, plain ? BASE_HANDSHAKES : BASE_WSS);
        for (ServerSpec s : servers) {
            if (s.chat() || s.raw() || s.tls() == plain) {
                continue;
            }
            double[] m = r.median(w, s.id());
            if (m == null) {
                line("| " + s.label() + " | " + failed(w, s.id()) + " |||||" + (plain ? "" : "|") + "|");
                continue;
            }
            line("| " + s.label() + " | " + num(m[0]) + " | " + ratio(m[0], base, 0) + " | " + num2(m[1] / 1e3)
                    + " | " + num2(m[2] / 1e3) + " | " + ratio(m[2], base, 2) + " | " + (plain ? "" : num(m[3]) + " | ")
                    + num(m[4]) + " / " + num(m[5]) + " |");
        }
        line("");
        if (w == Suite.Workload.I) {
            line(o.handshakeWorkers + " workers, each looping: connect, upgrade (the 101 checked), a close frame (1000) "
                    + "sent, the server's close frame (1000) awaited, the TCP connection reset (no TIME_WAIT). One "
                    + "handshake = one whole connection life ending inside the measured interval; latency is that life.");
            line("");
        } else if (w == Suite.Workload.K) {
            line("As (j), but each TLS client offers the session ticket of an earlier connection to the same server "
                    + "(TLS 1.3 PSK resumption, BoringSSL's client session cache); resumed % is the share of handshakes "
                    + "that the server actually resumed (no certificate, no signature), as the client's engine reports it.");
            line("");
        }
    }

    private void clientTable(Suite.Workload w) {
        line("### (" + w.key + ") " + w.title);
        line("");
        line("| client | msgs/s | × Netty's client | CPU % client / server |");
        line("|---|--:|--:|--:|");
        double[] base = r.median(w, BASE_CLIENT);
        for (Suite.RaceClientSpec c : Suite.raceClients(o)) {
            double[] m = r.median(w, c.id());
            if (m == null) {
                line("| " + c.label() + " | " + failed(w, c.id()) + " |||");
                continue;
            }
            line("| " + c.label() + " | " + num(m[0]) + " | " + ratio(m[0], base, 0) + " | " + num(m[1]) + " / "
                    + num(m[2]) + " |");
        }
        line("");
        if (w == Suite.Workload.L) {
            line("One server for every client: " + Suite.RACE_SERVER.label() + " (plain `ws`, echo; the fastest server "
                    + "of (a) and (b), so that it is not the limit: with Netty epoll, its core was at 92-96 % and the "
                    + "fastest clients tied at its ceiling), on the servers' "
                    + "CPU; each client library in a fresh JVM of its own for each workload (so each gets the first "
                    + "warm-up: a JVM switched from (l) to (m) spends its first second recompiling) on the generator's CPU, through its own public "
                    + "API, TCP_NODELAY on, every echo checked against the message sent (in order, byte for byte) and "
                    + "answered with the next message. Sources: `duplex-bench/src/main/java/dev/duplex/bench/clients/`.");
            line("");
        }
    }

    private void idleTable() {
        line("### (e) " + o.idleConnections + " idle connections: server memory per connection");
        line("");
        line("| server | KiB per connection | × Netty NIO | RSS Δ KiB | heap Δ KiB | heap × Netty NIO |");
        line("|---|--:|--:|--:|--:|--:|");
        double[] base = r.median(Suite.Workload.E, BASE);
        for (ServerSpec s : servers) {
            if (s.chat() || s.raw() || s.tls()) {
                continue;
            }
            double[] m = r.median(Suite.Workload.E, s.id());
            if (m == null) {
                line("| " + s.label() + " | " + failed(Suite.Workload.E, s.id()) + " |||||");
                continue;
            }
            line("| " + s.label() + (s.node() ? " ¹" : "") + " | " + num1(m[0] / 1024) + " | " + ratio(m[0], base, 0)
                    + " | " + num1(m[1] / 1024) + " | " + num1(m[2] / 1024) + " | " + ratio(m[2], base, 2) + " |");
        }
        line("");
        line("Per connection = (after − before) / N, both samples after a warm-up of " + o.idleWarmup + " × N "
                + "connections and a full GC, with the connections open, upgraded and silent (see below). JVMs: RSS Δ "
                + "(`VmRSS` after `System.trim_native_heap`, less the JIT's own native memory Δ: NMT's Code, Compiler "
                + "and Arena Chunk; the heap is pre-touched, so heap growth is not in it) + live heap Δ (JMX); the heap "
                + "part repeats to a few bytes, the RSS part (native memory the server added) to ±100-300 B between "
                + "rounds. ¹ Node: RSS Δ only "
                + "(the V8 heap grows inside RSS; its heap Δ is shown for information).");
        line("");
    }

    private void broadcastTable() {
        line("### (f) chat broadcast: " + o.members + " members, one message out to all");
        line("");
        line("| server | deliveries/s | × Netty NIO | p50 µs | p99 µs |");
        line("|---|--:|--:|--:|--:|");
        double[] base = r.median(Suite.Workload.F, BASE_CHAT);
        for (ServerSpec s : servers) {
            if (!s.chat()) {
                continue;
            }
            double[] m = r.median(Suite.Workload.F, s.id());
            if (m == null) {
                line("| " + s.label() + " | " + failed(Suite.Workload.F, s.id()) + " ||||");
                continue;
            }
            line("| " + s.label() + " | " + num(m[0]) + " | " + ratio(m[0], base, 0) + " | " + num(m[1])
                    + " | " + num(m[2]) + " |");
        }
        line("");
        line("Every member (the sender too) gets every broadcast; the sender keeps " + o.window
                + " broadcasts in flight, a broadcast being done when all members have it. Latency is per delivery, "
                + "from send to receipt. Netty: `ChannelGroup.writeAndFlush` of the received frame (payload shared).");
        line("");
    }

    private void targets() {
        line("### Targets (issue 7)");
        line("");
        line("| target | Duplex | met |");
        line("|---|--:|:-:|");
        for (Suite.Workload w : List.of(Suite.Workload.A, Suite.Workload.B, Suite.Workload.C, Suite.Workload.D,
                Suite.Workload.E, Suite.Workload.F)) {
            if (o.workloads.contains(w)) {
                Verdict v = verdict(w);
                line("| (" + w.key + ") " + v.target + " | " + (v.figure == null ? "not measured" : v.figure) + " | "
                        + (v.figure == null ? "–" : v.met ? "yes" : "**no**") + " |");
            }
        }
        line("");
    }

    /** Issue 21's targets, for the races measured in this run. */
    private void raceTargets() {
        List<Suite.Workload> races = List.of(Suite.Workload.G, Suite.Workload.H, Suite.Workload.I, Suite.Workload.J,
                Suite.Workload.L, Suite.Workload.M);
        if (races.stream().noneMatch(o.workloads::contains)) {
            return;
        }
        line("### Targets (issue 21)");
        line("");
        line("| target | Duplex | met |");
        line("|---|--:|:-:|");
        for (Suite.Workload w : races) {
            if (o.workloads.contains(w)) {
                Verdict v = verdict(w);
                line("| (" + w.key + ") " + v.target + " | " + (v.figure == null ? "not measured" : v.figure) + " | "
                        + (v.figure == null ? "–" : v.met ? "yes" : "**no**") + " |");
            }
        }
        line("");
    }

    /** A target, Duplex's figure against it (null: not measured) and whether it is met. */
    record Verdict(String target, String figure, boolean met) {
        /** For the hand-written analysis: "met: 1.27× msgs/s, p99 0.66×" or "missed: …". */
        String summary() {
            return figure == null ? "not measured in this run" : (met ? "met: " : "missed: ") + figure;
        }
    }

    Verdict verdict(Suite.Workload w) {
        switch (w) {
            case A, B -> {
                String t = "≥ 1.2× Netty NIO msgs/s, p99 no worse";
                double[] d = r.median(w, "duplex");
                double[] b = r.median(w, BASE);
                if (d == null || b == null) {
                    return new Verdict(t, null, false);
                }
                return new Verdict(t, x(d[0] / b[0]) + " msgs/s, p99 " + x(d[3] / b[3]),
                        d[0] >= 1.2 * b[0] && d[3] <= b[3]);
            }
            case C, D -> {
                String t = "≥ 0.8× plain TCP echo";
                double[] d = r.median(w, "duplex");
                double[] tcp = r.median(w, TCP);
                if (d == null || tcp == null) {
                    return new Verdict(t, null, false);
                }
                return new Verdict(t, x(d[1] / tcp[1]) + " of the TCP echo's MB/s", d[1] >= 0.8 * tcp[1]);
            }
            case E -> {
                String t = "≤ 0.5× Netty NIO memory per idle connection";
                double[] d = r.median(w, "duplex");
                double[] b = r.median(w, BASE);
                if (d == null || b == null) {
                    return new Verdict(t, null, false);
                }
                return new Verdict(t, x(d[0] / b[0]) + " (" + num(d[0]) + " vs " + num(b[0]) + " B; heap alone "
                        + num(d[2]) + " vs " + num(b[2]) + " B)", d[0] <= 0.5 * b[0]);
            }
            case G -> {
                return wssVerdict(ratioVerdict(w, SHIPPED_WSS, BASE_WSS, 1.3, "≥ 1.3× Netty epoll + OpenSSL msgs/s", " msgs/s"), w);
            }
            case H -> {
                String t = "≥ 1.3× Netty epoll + OpenSSL msgs/s, peak RSS ≤ Netty's";
                double[] d = r.median(w, SHIPPED_WSS);
                double[] b = r.median(w, BASE_WSS);
                if (d == null || b == null) {
                    return new Verdict(t, null, false);
                }
                return wssVerdict(new Verdict(t, x(d[0] / b[0]) + " msgs/s, RSS " + num(d[7]) + " vs " + num(b[7]) + " MB",
                        d[0] >= 1.3 * b[0] && d[7] <= b[7]), w);
            }
            case I -> {
                return ratioVerdict(w, "duplex", BASE_HANDSHAKES, 1.5, "≥ 1.5× Netty epoll handshakes/s", " handshakes/s");
            }
            case J -> {
                return wssVerdict(ratioVerdict(w, SHIPPED_WSS, BASE_WSS, 0.8, "≥ 0.8× Netty epoll + OpenSSL handshakes/s", " handshakes/s"), w);
            }
            case K -> {
                return wssVerdict(ratioVerdict(w, SHIPPED_WSS, BASE_WSS, 0, "resumption (no target)", " handshakes/s"), w);
            }
            case L, M -> {
                return ratioVerdict(w, "duplex", BASE_CLIENT, 1.2, "≥ 1.2× Netty's client msgs/s", " msgs/s");
            }
            default -> {
                String t = "≥ 1.5× Netty `ChannelGroup` deliveries/s";
                double[] d = r.median(w, "duplex-chat");
                double[] b = r.median(w, BASE_CHAT);
                if (d == null || b == null) {
                    return new Verdict(t, null, false);
                }
                return new Verdict(t, x(d[0] / b[0]), d[0] >= 1.5 * b[0]);
            }
        }
    }

    /** A wss verdict (judged on what `duplex echo` ships: BoringSSL) with the JDK-TLS row's ratio beside it. */
    private Verdict wssVerdict(Verdict shipped, Suite.Workload w) {
        double[] jdk = r.median(w, "duplex-wss");
        double[] b = r.median(w, BASE_WSS);
        if (shipped.figure() == null || jdk == null || b == null) {
            return shipped;
        }
        return new Verdict(shipped.target(), "BoringSSL " + shipped.figure() + "; JDK TLS " + x(jdk[0] / b[0]), shipped.met());
    }

    /** Duplex's first figure against a base's, with a minimum ratio. */
    private Verdict ratioVerdict(Suite.Workload w, String duplex, String base, double min, String target, String unit) {
        double[] d = r.median(w, duplex);
        double[] b = r.median(w, base);
        if (d == null || b == null) {
            return new Verdict(target, null, false);
        }
        return new Verdict(target, x(d[0] / b[0]) + unit, d[0] >= min * b[0]);
    }

    /**
     * The analysis is prose kept in {@code duplex-bench/load-analysis.md}; its {@code @A@} … {@code @F@}
     * placeholders become this run's verdicts, {@code @HEAP@} Duplex's heap per idle connection.
     */
    String fill(String text) {
        for (Suite.Workload w : Suite.Workload.values()) {
            text = text.replace("@" + w.key.toUpperCase(Locale.ROOT) + "@", verdict(w).summary());
        }
        double[] e = r.median(Suite.Workload.E, "duplex");
        return text.replace("@HEAP@", e == null ? "(not measured)" : num(e[2]));
    }

    private void method() {
        line("### How it is measured");
        line("");
        line("- **Generator** (`dev.duplex.bench.load`): its own minimal RFC 6455 client on NIO selectors, in its own JVM. "
                + "It does the opening handshake (checks 101, `Upgrade`, `Connection`, the exact `Sec-WebSocket-Accept`, and "
                + "that no extension was negotiated), sends masked frames (pre-built per workload: 64 payload variants for "
                + "small messages, each with its own mask key), and compares every echoed byte with the message sent, "
                + "fragmented echoes included. Closed loop: each connection keeps P messages in flight; latency runs from "
                + "queueing a message to reading the last byte of its echo, recorded in an HdrHistogram (3 digits).");
        line("- **Generator ceiling**: the plain TCP echo row runs the same generator with the same frames, without the "
                + "handshake, against a NIO server that only writes the bytes back (and the generator checks them byte for "
                + "byte). Where that row is far above every WebSocket server, the generator is not what limits them. "
                + "The last column says which side was the limit: the share of a core each process used over the "
                + "workload (warm-up and measurement; the server's from `/proc/PID/stat`, the generator's its own "
                + "process CPU time). With one core each, a server near 100 % is the limit; where the generator is "
                + "near 100 % too, as for the fastest rows of (a) and (c), the row is the machine's ceiling and the "
                + "server could go faster.");
        line("- **Servers**: each in its own process, started fresh per round (the others stopped with `SIGSTOP` while one is measured), bound to 127.0.0.1, one event loop (or "
                + "selector) per core, compression off, logging off, message and frame limits 64 MiB. Netty echoes with "
                + "`write` per message and one `flush` per read batch; Jetty uses its Jetty WebSocket API; Java-WebSocket "
                + "its `WebSocketServer`; Node `ws` `WebSocketServer` with `perMessageDeflate: false`. Sources: "
                + "`duplex-bench/src/main/java/dev/duplex/bench/peers/`, `duplex-bench/peers/ws-server.js`.");
        line("- **Idle memory**: first a warm-up, so that what is measured is the cost of one more connection in a "
                + "server that has been running and not a fresh process's one-time costs (classes, compiled code, the "
                + "C allocator's arenas): one sample thrown away (the JMX probe's first calls load classes in the "
                + "server, which can send compiled code back to the JIT), then " + o.idleWarmup + " × N connections in "
                + "batches of N / " + IdleLoad.WARM_BATCHES + ", each upgraded, echoing one message and closed "
                + "(batches smaller than N, so pools and tables that grow with the number of open connections still "
                + "grow during the measurement). Then, once the server has gone quiet (at most 2 % of a core used "
                + "over 1 s, read from `/proc`), a full GC, the C heap trimmed and the baseline; N connections opened and "
                + "upgraded; quiet again, a full GC, the C heap trimmed and the second sample; the difference, less "
                + "the change in the JIT's own native memory (HotSpot keeps the compiler's freed arena chunks for up "
                + "to 5 s, so a compilation that ended just before one sample and not the other moved RSS by ±0.5-1 KiB "
                + "per connection, either way, for any server), "
                + "divided by N. 100 of the held connections then echo a message, to prove they are alive. The same "
                + "steps and the same JVM flags (`" + String.join(" ", ServerProcess.JVM_FLAGS) + "`) for every server.");
        line("");
    }

    /** Hand-written findings (profiles, what would close a gap), kept next to the code that produced the table. */
    private void analysis() {
        Path f = o.root.resolve("duplex-bench/load-analysis.md");
        if (Files.exists(f)) {
            try {
                md.append(fill(Files.readString(f)).stripTrailing()).append("\n\n");
            } catch (IOException e) {
                line("(could not read " + f + ": " + e.getMessage() + ")");
            }
        }
    }

    /** Every round's figure, so a median can be checked and noise seen. */
    private void rounds() {
        line("<details><summary>Every round</summary>");
        line("");
        line("| workload | server | rounds (a–d, g, h, l, m: msgs/s; e: B/conn; f: deliveries/s; i–k: handshakes/s) |");
        line("|---|---|---|");
        r.figures.forEach((w, byServer) -> byServer.forEach((server, list) -> {
            StringBuilder sb = new StringBuilder();
            for (double[] f : list) {
                sb.append(sb.isEmpty() ? "" : ", ").append(num(f[0]));
            }
            line("| " + w.key + " | " + server + " | " + sb + " |");
        }));
        r.failures.forEach((w, byServer) -> byServer.forEach((server, why) ->
                line("| " + w.key + " | " + server + " | failed: " + why.replace('|', '/').replace('\n', ' ') + " |")));
        line("");
        line("</details>");
        line("");
    }

    private String failed(Suite.Workload w, String server) {
        String why = r.failure(w, server);
        return why == null ? "not run" : "failed: " + why.replace('|', '/').replace('\n', ' ');
    }

    private static String ratio(double v, double[] base, int column) {
        return base == null || base[column] == 0 ? "–" : x(v / base[column]);
    }

    private static String x(double v) {
        return String.format(Locale.ROOT, "%.2f×", v);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String num2(double v) {
        return String.format(Locale.ROOT, "%,.2f", v);
    }

    private static String num1(double v) {
        return String.format(Locale.ROOT, "%,.1f", v);
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private void line(String s) {
        md.append(s).append('\n');
    }
}
