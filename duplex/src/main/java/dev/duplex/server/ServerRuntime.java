package dev.duplex.server;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;

/** The running side of a {@link WebSocketServer} (placeholder until the engine lands). */
final class ServerRuntime {

    private final WebSocketServer server;

    ServerRuntime(WebSocketServer server) {
        this.server = server;
    }

    void start() {
        throw new UnsupportedOperationException("server engine in progress");
    }

    int port() {
        return -1;
    }

    InetSocketAddress address() {
        return null;
    }

    Collection<ServerWebSocket> connections() {
        return List.of();
    }

    void stop() {
    }
}
