package dev.duplex.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Opens many client connections a few at a time (servers' accept backlogs can be small). */
final class Connector {
    private static final int PARALLEL = 4;

    private Connector() {}

    /** {@code n} upgraded WebSocket connections (or plain TCP when {@code raw}), blocking mode. */
    static List<SocketChannel> open(InetSocketAddress address, String path, int n, boolean raw)
            throws IOException {
        List<SocketChannel> channels = new ArrayList<>(n);
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL, n))) {
            List<Future<SocketChannel>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> raw ? plain(address) : ClientHandshake.open(address, path)));
            }
            IOException failure = null;
            for (Future<SocketChannel> f : futures) {
                try {
                    channels.add(f.get());
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = new IOException("connection " + channels.size() + " of " + n
                                + " failed: " + e.getCause(), e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IOException("interrupted while connecting");
                }
            }
            if (failure != null) {
                abort(channels);
                throw failure;
            }
        }
        return channels;
    }

    private static SocketChannel plain(InetSocketAddress address) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(address);
        return ch;
    }

    /**
     * Closes with an RST (SO_LINGER 0), so tens of thousands of benchmark sockets leave no
     * TIME_WAIT entries behind to exhaust the ephemeral ports of later rounds.
     */
    static void abort(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                ch.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException ignored) {
                // already closed by the peer
            }
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
