package dev.duplex.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Idle connections: the server's memory per open, upgraded, silent WebSocket connection, measured
 * the same way for every server.
 *
 * <p>What is wanted is the cost of one more idle connection in a server that has been running,
 * not the one-time cost of a fresh process getting going (classes loaded, code compiled, buffer
 * pools and the C allocator's per-thread arenas created; compiling alone can leave megabytes of
 * freed-but-kept native memory behind). So the server is first warmed up: batches of N / 5
 * connections are opened, upgraded, echo one message each and are closed, {@code warmup} × N
 * connections in all (3 by default): enough for the JIT to have compiled the accept, handshake,
 * message and close paths before the baseline, which 200 connections were not (a server then went
 * on compiling while the N connections were opened, and its RSS grew by up to a KiB per connection
 * run to run). The batches are smaller than N on purpose, so that a pool or a table that grows with
 * the number of open connections (a selector's key map, a server's set of connections, a buffer
 * pool) is sized for N / 5 by the warm-up and its growth to N is counted.
 *
 * <p>Each sample waits until the server has gone quiet ({@link MemoryProbe#awaitQuiet}) and is then
 * taken after a full GC; one sample is taken and thrown away before the warm-up (see {@code run}).
 * A sample of the held connections echoes a message after the measurement, to prove they are live.
 */
public final class IdleLoad {
    /**
     * Bytes per connection. {@code total} is what the target compares; {@code rss} and
     * {@code heap} are its two parts (see {@link MemoryProbe#heapSeparate()}).
     */
    public record Result(int connections, double rssPerConnection, double heapPerConnection, double totalPerConnection,
                         String trace) {}

    /** Warm-up connections, as a multiple of N, in batches of N / WARM_BATCHES. */
    static final int DEFAULT_WARMUP = 3;
    static final int WARM_BATCHES = 5;
    private static final int LIVENESS_SAMPLE = 100;
    private static final long QUIET_TIMEOUT_MILLIS = 60_000;

    private IdleLoad() {}

    static Result run(InetSocketAddress address, String path, int n, int warmup, MemoryProbe probe) throws IOException {
        return run(address, path, n, warmup, probe, 0);
    }

    /**
     * As {@link #run(InetSocketAddress, String, int, int, MemoryProbe)}, holding the connections
     * {@code holdMillis} longer (to inspect the server).
     */
    static Result run(InetSocketAddress address, String path, int n, int warmup, MemoryProbe probe, long holdMillis)
            throws IOException {
        Frames frames = new Frames(32, false, 16, n);
        // The probe's first calls load classes in the server (JMX's serialization and MXBean
        // mappings), and a class loaded can send compiled code that assumed it absent back to the
        // JIT: make them before the warm-up, so that recompiling happens there and not in the measurement.
        probe.sample();
        probe.detail();
        long t0 = System.nanoTime();
        int warmed = warmUp(address, path, n, warmup, frames);
        long t1 = System.nanoTime();
        long quiet1 = probe.awaitQuiet(QUIET_TIMEOUT_MILLIS);
        MemoryProbe.Sample before = probe.sample();
        String detail1 = probe.detail();
        List<SocketChannel> held = Connector.open(address, path, n, false);
        try {
            long quiet2 = probe.awaitQuiet(QUIET_TIMEOUT_MILLIS);
            MemoryProbe.Sample after = probe.sample();
            String trace = String.format("warm-up %,d connections in %.1f s; quiet after %s, %s; baseline rss %,d (JIT's %,d)"
                            + " heap %,d %s; loaded rss %,d (JIT's %,d) heap %,d %s",
                    warmed, (t1 - t0) / 1e9, quietly(quiet1), quietly(quiet2), before.rss(), before.jit(), before.heap(),
                    detail1, after.rss(), after.jit(), after.heap(), probe.detail());
            for (int i = 0; i < held.size(); i += Math.max(1, held.size() / LIVENESS_SAMPLE)) {
                echoOnce(held.get(i), frames, i);
            }
            if (holdMillis > 0) {
                System.out.println("holding " + n + " connections for " + holdMillis + " ms");
                pause(holdMillis);
            }
            // The JIT's own memory is not the connections': see MemoryProbe.Jvm.jitNative.
            double rss = (after.rss() - before.rss() - (after.jit() - before.jit())) / (double) n;
            double heap = (after.heap() - before.heap()) / (double) n;
            return new Result(n, rss, heap, probe.heapSeparate() ? rss + heap : rss, trace);
        } finally {
            Connector.abort(held);
        }
    }

    private static String quietly(long millis) {
        return millis < 0 ? "never quiet (" + QUIET_TIMEOUT_MILLIS + " ms)" : millis + " ms";
    }

    /** {@code warmup} × N connection lifecycles in batches of N / WARM_BATCHES, each echoing one message. */
    private static int warmUp(InetSocketAddress address, String path, int n, int warmup, Frames frames) throws IOException {
        int batch = Math.max(1, n / WARM_BATCHES);
        int total = warmup * n;
        int done = 0;
        while (done < total) {
            List<SocketChannel> warm = Connector.open(address, path, Math.min(batch, total - done), false);
            try {
                // all the messages out, then all the echoes back: one round trip per batch, not per connection
                for (int i = 0; i < warm.size(); i++) {
                    send(warm.get(i), frames, i);
                }
                for (int i = 0; i < warm.size(); i++) {
                    receiveEcho(warm.get(i), frames, i);
                }
            } finally {
                Connector.abort(warm);
            }
            done += warm.size();
        }
        return done;
    }

    /** Blocking: one 32-byte text message there and back, checked. */
    private static void echoOnce(SocketChannel ch, Frames f, int i) throws IOException {
        send(ch, f, i);
        receiveEcho(ch, f, i);
    }

    private static void send(SocketChannel ch, Frames f, int i) throws IOException {
        ByteBuffer frame = f.masked[i % f.masked.length].duplicate();
        while (frame.hasRemaining()) {
            ch.write(frame);
        }
    }

    private static void receiveEcho(SocketChannel ch, Frames f, int i) throws IOException {
        int v = i % f.masked.length;
        ByteBuffer echo = ByteBuffer.allocate(2 + 32);
        while (echo.hasRemaining()) {
            if (ch.read(echo) < 0) {
                throw new IOException("server closed an idle connection");
            }
        }
        echo.flip();
        if (echo.get() != (byte) 0x81 || echo.get() != 32 || echo.mismatch(ByteBuffer.wrap(f.payloadHeap[v])) >= 0) {
            throw new IOException("bad echo on an idle connection");
        }
    }

    private static void pause(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
