package dev.duplex.app;

import dev.duplex.server.WebSocketServer;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A started app server: its URLs, and a graceful {@link #close()} (1001 to every connection). */
public final class RunningServer implements AutoCloseable {

    private final WebSocketServer server;
    private final boolean tls;
    private final AutoCloseable resource; // closed after the server stops; may be null

    RunningServer(WebSocketServer server, boolean tls) {
        this(server, tls, null);
    }

    RunningServer(WebSocketServer server, boolean tls, AutoCloseable resource) {
        this.server = server;
        this.tls = tls;
        this.resource = resource;
    }

    public int port() {
        return server.port();
    }

    /** The page, e.g. {@code http://127.0.0.1:8080/}; a wildcard bind shows as 127.0.0.1. */
    public String httpUrl() {
        return (tls ? "https://" : "http://") + authority() + "/";
    }

    /** A WebSocket URL on this server, e.g. {@code ws://127.0.0.1:8080/echo}. */
    public String wsUrl(String path) {
        return (tls ? "wss://" : "ws://") + authority() + path;
    }

    /** How many sockets are open. */
    public int connections() {
        return server.connections().size();
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

    /** Stops accepting, sends 1001 to every open socket, waits for the closing handshakes. */
    @Override
    public void close() {
        try {
            server.stop();
        } finally {
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
}
