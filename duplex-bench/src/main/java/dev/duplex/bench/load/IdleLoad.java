package dev.duplex.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Idle connections: the server's memory per open, upgraded, silent WebSocket connection. A first
 * batch of connections warms the server's code paths (classes, pools) and is closed; then the
 * baseline is taken after a full GC, N connections are opened and held, and the second sample is
 * taken the same way. A sample of the held connections echoes a message to prove they are live.
 */
public final class IdleLoad {
    /** Bytes per connection. {@code total} is what the target compares. */
    public record Result(int connections, double rssPerConnection, double heapPerConnection, double totalPerConnection) {}

    private static final int WARM_CONNECTIONS = 200;
    private static final int LIVENESS_SAMPLE = 100;

    private IdleLoad() {}

    static Result run(InetSocketAddress address, String path, int n, MemoryProbe probe) throws IOException {
        return run(address, path, n, probe, 0);
    }

    /** As {@link #run(InetSocketAddress, String, int, MemoryProbe)}, holding the connections {@code holdMillis} longer (to inspect the server). */
    static Result run(InetSocketAddress address, String path, int n, MemoryProbe probe, long holdMillis) throws IOException {
        List<SocketChannel> warm = Connector.open(address, path, WARM_CONNECTIONS, false);
        for (SocketChannel ch : warm) {
            echoOnce(ch);
        }
        Connector.abort(warm);
        pause(1000);
        MemoryProbe.Sample before = probe.sample();
        List<SocketChannel> held = Connector.open(address, path, n, false);
        try {
            pause(1000);
            MemoryProbe.Sample after = probe.sample();
            for (int i = 0; i < held.size(); i += Math.max(1, held.size() / LIVENESS_SAMPLE)) {
                echoOnce(held.get(i));
            }
            if (holdMillis > 0) {
                System.out.println("holding " + n + " connections for " + holdMillis + " ms");
                pause(holdMillis);
            }
            double rss = (after.rss() - before.rss()) / (double) n;
            double heap = (after.heap() - before.heap()) / (double) n;
            return new Result(n, rss, heap, probe.heapSeparate() ? rss + heap : rss);
        } finally {
            Connector.abort(held);
        }
    }

    /** Blocking: one 32-byte text message there and back, checked. */
    private static void echoOnce(SocketChannel ch) throws IOException {
        Frames f = new Frames(32, false, 1, ch.hashCode());
        ByteBuffer frame = f.masked[0].duplicate();
        while (frame.hasRemaining()) {
            ch.write(frame);
        }
        ByteBuffer echo = ByteBuffer.allocate(2 + 32);
        while (echo.hasRemaining()) {
            if (ch.read(echo) < 0) {
                throw new IOException("server closed an idle connection");
            }
        }
        echo.flip();
        if (echo.get() != (byte) 0x81 || echo.get() != 32 || echo.mismatch(ByteBuffer.wrap(f.payloadHeap[0])) >= 0) {
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
