package dev.duplex.transport;

import dev.duplex.protocol.HttpRequest;

/** What a server does with each request head a connection receives (on the connection's loop). */
public interface ServerCallbacks {

    /**
     * A complete request head arrived: answer it through {@code exchange}, exactly once, with
     * {@link ServerExchange#upgrade}, {@link ServerExchange#respond} or {@link ServerExchange#reject}.
     * Must not block.
     */
    void onRequest(HttpRequest request, ServerExchange exchange);

    /** A connection ended (after its {@code Closed} event, if it was upgraded). */
    default void onConnectionEnd(WsChannel channel) {}
}
