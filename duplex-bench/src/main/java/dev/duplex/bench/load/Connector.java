package dev.duplex.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Opens many client connections at once: non-blocking connects and handshakes, a bounded number in
 * progress at a time (servers' accept backlogs differ), all driven by one selector. Returns the
 * channels in blocking mode, upgraded (or just connected, for the raw TCP echo).
 */
final class Connector {
    private static final int IN_PROGRESS = 128;
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(300);

    private Connector() {}

    static List<SocketChannel> open(InetSocketAddress address, String path, int n, boolean raw) throws IOException {
        List<SocketChannel> done = new ArrayList<>(n);
        List<SocketChannel> all = new ArrayList<>(n);
        try (Selector selector = Selector.open()) {
            int started = 0;
            int inProgress = 0;
            long deadline = System.nanoTime() + TIMEOUT_NANOS;
            while (done.size() < n) {
                while (started < n && inProgress < IN_PROGRESS) {
                    SocketChannel ch = SocketChannel.open();
                    all.add(ch);
                    ch.configureBlocking(false);
                    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Pending p = new Pending(ch, raw ? null : ClientHandshake.newKey(), address, path);
                    boolean connected = ch.connect(address);
                    ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, p);
                    started++;
                    inProgress++;
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("only " + done.size() + " of " + n + " connections opened in "
                            + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NANOS) + " s");
                }
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    Pending p = (Pending) key.attachment();
                    try {
                        if (p.step(key)) {
                            key.cancel();
                            done.add(p.ch);
                            inProgress--;
                        }
                    } catch (IOException e) {
                        throw new IOException("connection " + (done.size() + 1) + " of " + n + " failed: " + e.getMessage(), e);
                    }
                }
                selector.selectedKeys().clear();
            }
            selector.selectNow(); // flush the cancelled keys before leaving non-blocking mode
        } catch (IOException | RuntimeException e) {
            abort(all);
            throw e;
        }
        for (SocketChannel ch : done) {
            ch.configureBlocking(true);
        }
        return done;
    }

    /** One connection on its way: connect, write the upgrade request, read and check the 101. */
    private static final class Pending {
        final SocketChannel ch;
        final String key;
        final ByteBuffer request;
        final ByteBuffer response;

        Pending(SocketChannel ch, String key, InetSocketAddress address, String path) {
            this.ch = ch;
            this.key = key;
            this.request = key == null ? null : ClientHandshake.request(address, path, key);
            this.response = key == null ? null : ClientHandshake.responseBuffer();
        }

        /** Returns true when the connection is ready for use. */
        boolean step(SelectionKey k) throws IOException {
            if (k.isConnectable()) {
                if (!ch.finishConnect()) {
                    return false;
                }
                if (key == null) {
                    return true;
                }
                k.interestOps(SelectionKey.OP_WRITE);
            }
            if (key == null) {
                return true;
            }
            if (k.isValid() && (k.interestOps() & SelectionKey.OP_WRITE) != 0) {
                ch.write(request);
                if (request.hasRemaining()) {
                    return false;
                }
                k.interestOps(SelectionKey.OP_READ);
                return false;
            }
            if (k.isReadable()) {
                if (ch.read(response) < 0) {
                    throw new IOException("connection closed during the opening handshake");
                }
                return ClientHandshake.responseComplete(response, key);
            }
            return false;
        }
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
