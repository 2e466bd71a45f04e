package dev.duplex.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One server under test, in its own process (optionally pinned to its own CPU with taskset). It
 * binds an ephemeral port and announces it with a {@code LISTENING <port>} line on stdout.
 */
final class ServerProcess implements AutoCloseable {
    /**
     * The same JVM flags for every Java server: fixed, pre-touched heap (see {@link MemoryProbe}), and
     * the two Netty's own guide for Java 24+ asks for ("Java 24 and sun.misc.Unsafe", netty.io wiki).
     * Without them Netty 4.2 on JDK 25 frees every direct-memory chunk by closing a shared arena, a
     * handshake with every Java thread: its (c) echo ran at a third of its speed. Native access lets it
     * call malloc/free; allowing Unsafe memory access (JDK 23+ only) restores its historical path.
     * Duplex, Jetty and Java-WebSocket use neither.
     */
    static final List<String> JVM_FLAGS = jvmFlags();

    private static List<String> jvmFlags() {
        List<String> f = new ArrayList<>(List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch", "-XX:+UseG1GC",
                "-XX:NativeMemoryTracking=summary", "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 23) {
            f.add("--sun-misc-unsafe-memory-access=allow");
        }
        return List.copyOf(f);
    }

    final ServerSpec spec;
    final Process process;
    final int port;
    private final Thread reaper;

    private ServerProcess(ServerSpec spec, Process process, int port) {
        this.spec = spec;
        this.process = process;
        this.port = port;
        // If the suite is interrupted (Ctrl-C, kill), take the server down with it.
        this.reaper = new Thread(process::destroyForcibly);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    static ServerProcess start(ServerSpec spec, Suite.Options o, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (o.serverCpu != null) {
            cmd.addAll(List.of("taskset", "-c", o.serverCpu));
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (spec.node()) {
            cmd.addAll(List.of("node", "--expose-gc", o.root.resolve(spec.program()).toString()));
            pb.environment().put("NODE_PATH", o.root.resolve("conformance/node/node_modules").toString());
        } else {
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(JVM_FLAGS);
            if (spec.tls()) {
                cmd.addAll(GeneratorTls.SERVER_FLAGS);
            }
            cmd.addAll(List.of("-cp", o.jar.toString(), spec.program()));
        }
        cmd.addAll(spec.args());
        if (spec.tls()) {
            if (o.keystore == null) {
                throw new IOException(spec.id() + " serves wss: no keystore made for this run");
            }
            cmd.addAll(List.of("--keystore", o.keystore.toString(), "--storepass", TestCertificate.PASSWORD));
        }
        cmd.addAll(List.of("--port", "0"));
        pb.command(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("stdout-" + spec.id()).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("LISTENING ") && !port.isDone()) {
                        port.complete(Integer.parseInt(line.substring(10).trim()));
                    }
                }
            } catch (IOException | RuntimeException e) {
                port.completeExceptionally(e);
            }
            port.completeExceptionally(new IOException(spec.id() + " exited before listening (see " + log + ")"));
        });
        try {
            return new ServerProcess(spec, p, port.get(30, TimeUnit.SECONDS));
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new IOException(spec.id() + " did not start: " + e, e);
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port);
    }

    long pid() {
        return process.pid();
    }

    MemoryProbe memoryProbe() throws IOException {
        return spec.node() ? MemoryProbe.node(pid(), port) : MemoryProbe.jvm(pid());
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
