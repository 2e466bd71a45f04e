package dev.duplex.bench.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.MBeanOperationInfo;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Memory of a server process after a full GC: resident set size from {@code /proc/<pid>/status}
 * (VmRSS; for the JVMs after the C heap's free memory was given back, see {@code trimNativeHeap}) and the live heap, read over JMX (JVMs, attached through the Attach API: the heap pools'
 * usage as the full GC left it) or from the Node peer's {@code /stats} endpoint.
 */
abstract sealed class MemoryProbe implements AutoCloseable {
    /**
     * Bytes; {@code heap} is the live heap after a full collection; {@code jit} the part of
     * {@code rss} that is the JIT compiler's own memory (JVMs: Native Memory Tracking's Code,
     * Compiler and Arena Chunk committed bytes; 0 for Node).
     */
    record Sample(long rss, long heap, long jit) {}

    /** The server is quiet once it used at most QUIET_TICKS (20 ms, 2 % of a core) in QUIET_WINDOW_MILLIS. */
    static final long QUIET_WINDOW_MILLIS = 1000;
    static final long QUIET_TICKS = 2;
    private static final long QUIET_POLL_MILLIS = 100;

    final long pid;

    private MemoryProbe(long pid) {
        this.pid = pid;
    }

    abstract Sample sample() throws IOException;

    /** What else the server tells about itself, for the log (the JVMs: total JIT compilation time so far). */
    String detail() throws IOException {
        return "";
    }

    /**
     * Whether the heap is outside the RSS delta. True for the JVMs, whose heaps are pre-touched
     * (-XX:+AlwaysPreTouch, -Xms = -Xmx), so heap growth never shows in RSS; false for Node, whose
     * V8 heap grows into RSS.
     */
    abstract boolean heapSeparate();

    @Override
    public void close() throws IOException {
    }

    static MemoryProbe jvm(long pid) throws IOException {
        return new Jvm(pid);
    }

    static MemoryProbe node(long pid, int port) {
        return new Node(pid, port);
    }

    long rss() throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        if (!m.find()) {
            throw new IOException("no VmRSS for pid " + pid);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** CPU time the server process has used so far, user plus system, in clock ticks (10 ms on Linux). */
    long cpuTicks() throws IOException {
        return cpuTicks(pid);
    }

    /** CPU time process {@code pid} has used so far, user plus system, in clock ticks. */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The fields after the command name, which is in parentheses and may itself hold spaces.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * Waits until the server has gone quiet: at most {@link #QUIET_TICKS} of CPU time used over the
     * last {@link #QUIET_WINDOW_MILLIS}, so that work left over from what came before (the JIT
     * compiling what it has just seen run, a GC, released connections) is finished. The same test
     * for every server, whatever it runs on. Returns the milliseconds waited, or -1 if the server
     * was still busy after {@code timeoutMillis}.
     */
    long awaitQuiet(long timeoutMillis) throws IOException {
        long start = System.nanoTime();
        int slots = (int) (QUIET_WINDOW_MILLIS / QUIET_POLL_MILLIS);
        long[] ticks = new long[slots + 1];
        for (int i = 0; ; i++) {
            ticks[i % ticks.length] = cpuTicks();
            long waited = (System.nanoTime() - start) / 1_000_000;
            if (i >= slots && ticks[i % ticks.length] - ticks[(i - slots) % ticks.length] <= QUIET_TICKS) {
                return waited;
            }
            if (waited > timeoutMillis) {
                return -1;
            }
            try {
                Thread.sleep(QUIET_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }

    private static final class Jvm extends MemoryProbe {
        private final JMXConnector connector;
        private final MemoryMXBean memory;
        private final CompilationMXBean jit;
        private final List<MemoryPoolMXBean> pools;

        Jvm(long pid) throws IOException {
            super(pid);
            String url;
            try {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
                try {
                    url = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
            } catch (com.sun.tools.attach.AttachNotSupportedException e) {
                throw new IOException("cannot attach to pid " + pid + ": " + e.getMessage(), e);
            }
            connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
            memory = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
            jit = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.COMPILATION_MXBEAN_NAME, CompilationMXBean.class);
            pools = ManagementFactory.getPlatformMXBeans(connector.getMBeanServerConnection(), MemoryPoolMXBean.class)
                    .stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        }

        @Override
        Sample sample() throws IOException {
            memory.gc();
            memory.gc();
            trimNativeHeap();
            long jit = jitNative();
            // What the full GC left, per heap pool: not the current usage, which also counts whatever
            // the server allocated since (a fresh TLAB of up to a region, 1 MiB here, for this very call).
            long live = 0;
            for (MemoryPoolMXBean pool : pools) {
                MemoryUsage u = pool.getCollectionUsage();
                if (u != null) {
                    live += u.getUsed();
                }
            }
            return new Sample(rss(), live, jit);
        }

        private static final Pattern NMT_CATEGORY = Pattern.compile(
                "-\\s+([A-Za-z ]+?) \\(reserved=\\d+KB, committed=(\\d+)KB");
        private static final java.util.Set<String> JIT_CATEGORIES = java.util.Set.of("Code", "Compiler", "Arena Chunk");
        /** NMT committed KB per category at the last sample, and at the one before (for the trace). */
        private java.util.Map<String, Long> nmt = java.util.Map.of();
        private java.util.Map<String, Long> nmtBefore = java.util.Map.of();

        /**
         * The JIT's own native memory (NMT summary, {@code -XX:NativeMemoryTracking=summary}): its
         * code cache ({@code Code}), the compiler's data ({@code Compiler}) and the arena chunks
         * its compilations use ({@code Arena Chunk}). HotSpot keeps freed arena chunks in a pool
         * that it empties every 5 s, so a compilation that ends shortly before one sample and
         * not the other moved RSS by several MB, ±0.5-1 KiB per connection, in either direction.
         * None of it is per connection; IdleLoad takes its change out of the RSS delta.
         */
        private long jitNative() throws IOException {
            String summary = dcmd("VM.native_memory", "summary");
            if (summary == null || !summary.contains("Arena Chunk")) {
                throw new IOException("no Native Memory Tracking summary (start the server with "
                        + "-XX:NativeMemoryTracking=summary): " + summary);
            }
            long kb = 0;
            java.util.Map<String, Long> now = new java.util.LinkedHashMap<>();
            Matcher m = NMT_CATEGORY.matcher(summary);
            while (m.find()) {
                long c = Long.parseLong(m.group(2));
                now.put(m.group(1), c);
                if (JIT_CATEGORIES.contains(m.group(1))) {
                    kb += c;
                }
            }
            nmtBefore = nmt;
            nmt = now;
            return kb * 1024;
        }

        /** Runs a diagnostic command ({@code jcmd} name) in the server; null if it has none of that name. */
        private String dcmd(String name, String... args) throws IOException {
            try {
                MBeanServerConnection c = connector.getMBeanServerConnection();
                ObjectName dcmd = new ObjectName("com.sun.management:type=DiagnosticCommand");
                for (MBeanOperationInfo op : c.getMBeanInfo(dcmd).getOperations()) {
                    if (name.equals(op.getDescriptor().getFieldValue("dcmd.name"))) {
                        Object r = op.getSignature().length == 0
                                ? c.invoke(dcmd, op.getName(), new Object[0], new String[0])
                                : c.invoke(dcmd, op.getName(), new Object[] {args}, new String[] {String[].class.getName()});
                        return r == null ? "" : r.toString();
                    }
                }
                return null;
            } catch (JMException e) {
                throw new IOException(name + " failed: " + e, e);
            }
        }

        /**
         * {@code jcmd PID System.trim_native_heap}: gives the C heap's free memory back to the OS
         * (glibc {@code malloc_trim}), so that RSS counts what is in use. Without it, whatever the
         * C allocator kept after the JIT compiler freed its arenas (it compiles a little into the
         * measured phase in every server) showed up as up to ~0.8 KiB per connection in some runs
         * and not in others, more for one server than another by chance.
         */
        private void trimNativeHeap() throws IOException {
            trimmed = dcmd("System.trim_native_heap") != null;
        }

        private boolean trimmed;

        @Override
        String detail() {
            StringBuilder changed = new StringBuilder();
            nmt.forEach((k, v) -> {
                long d = v - nmtBefore.getOrDefault(k, 0L);
                if (!nmtBefore.isEmpty() && Math.abs(d) >= 512) {
                    changed.append(changed.isEmpty() ? "; NMT Δ " : ", ").append(k).append(' ').append(d > 0 ? "+" : "")
                            .append(d).append(" KB");
                }
            });
            return "JIT " + jit.getTotalCompilationTime() + " ms" + (trimmed ? ", native heap trimmed" : "") + changed;
        }

        @Override
        boolean heapSeparate() {
            return true;
        }

        @Override
        public void close() throws IOException {
            connector.close();
        }
    }

    private static final class Node extends MemoryProbe {
        private final int port;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        Node(long pid, int port) {
            super(pid);
            this.port = port;
        }

        @Override
        Sample sample() throws IOException {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(body);
                if (!m.find()) {
                    throw new IOException("bad /stats answer: " + body);
                }
                return new Sample(rss(), Long.parseLong(m.group(1)), 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        @Override
        boolean heapSeparate() {
            return false;
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
