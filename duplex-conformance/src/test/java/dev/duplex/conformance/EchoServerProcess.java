package dev.duplex.conformance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The echo server exactly as a user starts it: {@code java -jar duplex-app/target/duplex.jar echo
 * --port P}, nothing else on the command line, so what Autobahn judges is what ships (the app's
 * defaults: limits, origin policy, permessage-deflate, compression level, queue sizes).
 */
final class EchoServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private EchoServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts {@code duplex.jar echo} on a free loopback port, its output to {@code log}; returns once it accepts. */
    static EchoServerProcess start(Path log) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("duplex.jar", "../duplex-app/target/duplex.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IOException(jar + " is missing: build duplex-app first (mvn -B verify builds it before this module)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        int port = freePort();
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "echo", "--port", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        EchoServerProcess server = new EchoServerProcess(p, port, log);
        try {
            server.awaitListening();
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    int port() {
        return port;
    }

    /** Whether the server is still running (it must be, after the whole suite). */
    boolean isAlive() {
        return process.isAlive();
    }

    private void awaitListening() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("duplex echo exited with " + process.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                process.waitFor(100, TimeUnit.MILLISECONDS);
            }
        }
        throw new IOException("duplex echo not listening on " + port + " after 60 s; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
