package dev.duplex.app;

import dev.duplex.app.metrics.Monitoring;
import dev.duplex.server.WebSocketServer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

/** A started app server: its URLs, and a draining {@link #close()} (1001 to every connection). */
public final class RunningServer implements AutoCloseable {

    private final WebSocketServer server;
    private final ServerSettings settings;
    private final Monitoring monitoring;
    private final AutoCloseable resource; // closed after the server stops; may be null

    RunningServer(WebSocketServer server, ServerSettings settings, Monitoring monitoring, AutoCloseable resource) {
        this.server = server;
        this.settings = settings;
        this.monitoring = monitoring;
        this.resource = resource;
    }

    public int port() {
        return server.port();
    }

    /** The page, e.g. {@code http://127.0.0.1:8080/}; a wildcard bind shows as 127.0.0.1. */
    public String httpUrl() {
        return (settings.tls() ? "https://" : "http://") + authority() + "/";
    }

    /** A WebSocket URL on this server, e.g. {@code ws://127.0.0.1:8080/echo}. */
    public String wsUrl(String path) {
        return (settings.tls() ? "wss://" : "ws://") + authority() + path;
    }

    /** How many sockets are open. */
    public int connections() {
        return server.connections().size();
    }

    /** How long {@link #close()} waits for closing handshakes ({@code --drain-timeout}). */
    public Duration drainTimeout() {
        return settings.drainTimeout();
    }

    /** The metrics registry behind {@code /metrics}. */
    public Monitoring monitoring() {
        return monitoring;
    }

    WebSocketServer server() {
        return server;
    }

    private String authority() {
        InetSocketAddress bound = server.address();
        InetAddress address = bound.getAddress();
        String host;
        if (address == null || address.isAnyLocalAddress()) {
            host = "127.0.0.1";
        } else if (address instanceof Inet6Address) {
            host = "[" + address.getHostAddress() + "]";
        } else {
            host = address.getHostAddress();
        }
        return host + ":" + bound.getPort();
    }

    /**
     * Drains (see {@link WebSocketServer#shutdown}): /ready answers 503 and new upgrades get 503 from
     * now on, open sockets get 1001, and what has not closed by the drain timeout is dropped.
     *
     * @return how many connections were dropped at the deadline
     */
    public int drain() {
        try {
            return server.shutdown(settings.drainTimeout());
        } finally {
            monitoring.close();
            if (resource != null) {
                try {
                    resource.close();
                } catch (Exception e) {
                    System.getLogger(RunningServer.class.getName())
                            .log(System.Logger.Level.WARNING, "closing " + resource + " failed", e);
                }
            }
        }
    }

    /** {@link #drain()}. */
    @Override
    public void close() {
        drain();
    }
}
