package dev.duplex.transport;

import dev.duplex.metrics.Limit;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;

/**
 * A listening socket on one loop of a group; each accepted socket goes to the next loop of the group,
 * for life.
 */
public final class Acceptor implements EventLoop.Handler, EventLoop.Closeable {

    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());

    private final EventLoopGroup group;
    private final EventLoop loop;
    private final ServerSocketChannel server;
    private final ConnectionConfig config;
    private final SSLContext sslContext;
    private final ServerCallbacks callbacks;
    /** Most connections open at once (0: no cap), and how many are open (accepted, not yet ended). */
    private final int maxConnections;
    private final java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private long lastRefusalLog = Long.MIN_VALUE;
    private SelectionKey key;

    private Acceptor(EventLoopGroup group, ServerSocketChannel server, ConnectionConfig config,
                     SSLContext sslContext, ServerCallbacks callbacks, int maxConnections) {
        this.group = group;
        this.loop = group.loop(0);
        this.server = server;
        this.config = config;
        this.sslContext = sslContext;
        this.maxConnections = maxConnections;
        this.callbacks = maxConnections <= 0 ? callbacks : new ServerCallbacks() {
            @Override
            public void onRequest(dev.duplex.protocol.HttpRequest request, ServerExchange exchange) {
                callbacks.onRequest(request, exchange);
            }

            @Override
            public void onConnectionEnd(WsChannel channel) {
                open.decrementAndGet();
                callbacks.onConnectionEnd(channel);
            }
        };
    }

    /** Binds {@code address} and starts accepting, with no cap on open connections. */
    public static Acceptor bind(EventLoopGroup group, InetSocketAddress address, int backlog, ConnectionConfig config,
                                SSLContext sslContext, ServerCallbacks callbacks) throws IOException {
        return bind(group, address, backlog, config, sslContext, callbacks, 0);
    }

    /**
     * Binds {@code address} and starts accepting. With {@code maxConnections > 0}, a connection
     * accepted while that many are open (handshaking, WebSocket or HTTP) is closed at once, before
     * reading anything, until one ends (ECOSYSTEM §9.3 item 22: a flood of idle connections cannot
     * take every descriptor and the memory behind them).
     */
    public static Acceptor bind(EventLoopGroup group, InetSocketAddress address, int backlog, ConnectionConfig config,
                                SSLContext sslContext, ServerCallbacks callbacks, int maxConnections) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, backlog);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        Acceptor a = new Acceptor(group, ch, config, sslContext, callbacks, maxConnections);
        CompletableFuture<Void> registered = new CompletableFuture<>();
        a.loop.execute(() -> {
            try {
                a.key = a.loop.register(ch, SelectionKey.OP_ACCEPT, a);
                registered.complete(null);
            } catch (IOException e) {
                registered.completeExceptionally(e);
            }
        });
        try {
            registered.join();
        } catch (RuntimeException e) {
            ch.close();
            throw new IOException("cannot register the listening socket", e);
        }
        return a;
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void onReady(SelectionKey k) {
        for (int i = 0; i < 64; i++) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept failed", e);
                return;
            }
            if (ch == null) {
                return;
            }
            TransportMetrics.SOCKETS.incrementAndGet();
            if (maxConnections > 0 && open.get() >= maxConnections) {
                refuse(ch);
                continue;
            }
            if (maxConnections > 0) {
                open.incrementAndGet(); // given back by onConnectionEnd, which every served connection reaches
            }
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                closeQuietly(ch);
                if (maxConnections > 0) {
                    open.decrementAndGet();
                }
                continue;
            }
            EventLoop target = group.next();
            target.execute(() -> SocketConnection.serve(target, ch, config, sslContext, callbacks));
        }
    }

    private void refuse(SocketChannel ch) {
        config.metrics().limitExceeded(Limit.CONNECTIONS);
        long n = refused.incrementAndGet();
        long now = System.nanoTime();
        if (lastRefusalLog == Long.MIN_VALUE || now - lastRefusalLog > 10_000_000_000L) {
            lastRefusalLog = now;
            LOG.log(Level.WARNING, "{0} connections open, the most allowed: connection refused ({1} so far)",
                    maxConnections, n);
        }
        closeQuietly(ch);
    }

    /** Connections closed at accept because {@code maxConnections} were open. */
    public long refusedConnections() {
        return refused.get();
    }

    /** Stops accepting (from any thread); completes when the socket is closed. */
    public CompletableFuture<Void> close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            closeNow();
            done.complete(null);
        });
        return done;
    }

    @Override
    public void closeNow() {
        if (key != null) {
            key.cancel();
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        TransportMetrics.SOCKETS.decrementAndGet();
    }
}
