package dev.duplex.transport;

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
    private SelectionKey key;

    private Acceptor(EventLoopGroup group, ServerSocketChannel server, ConnectionConfig config,
                     SSLContext sslContext, ServerCallbacks callbacks) {
        this.group = group;
        this.loop = group.loop(0);
        this.server = server;
        this.config = config;
        this.sslContext = sslContext;
        this.callbacks = callbacks;
    }

    /** Binds {@code address} and starts accepting. */
    public static Acceptor bind(EventLoopGroup group, InetSocketAddress address, int backlog, ConnectionConfig config,
                                SSLContext sslContext, ServerCallbacks callbacks) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(address, backlog);
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        Acceptor a = new Acceptor(group, ch, config, sslContext, callbacks);
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
            try {
                ch.configureBlocking(false);
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } catch (IOException e) {
                closeQuietly(ch);
                continue;
            }
            EventLoop target = group.next();
            target.execute(() -> SocketConnection.serve(target, ch, config, sslContext, callbacks));
        }
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
