package dev.duplex.server;

/**
 * Called for each WebSocket accepted on a route. The common case is a lambda that attaches handlers:
 * <pre>{@code route("/echo", ws -> ws.onmessage(ws::send))}</pre>
 * A class may instead override the other methods. Calls for one connection are made in order and
 * never concurrently: on the connection's event loop (they must not block) unless the server was
 * built with {@link WebSocketServer.Builder#virtualThreadHandlers(boolean)}.
 *
 * <p>Order: {@link #onOpen} once, then {@link #onMessage} for each message, then — when the
 * connection failed — {@link #onError}, and always {@link #onClose} last, exactly once.
 */
@FunctionalInterface
public interface WebSocketHandler {

    /** The opening handshake completed; the socket is OPEN and messages may be sent. */
    void onOpen(ServerWebSocket ws);

    /** A complete message arrived (called before the socket's {@code onmessage} handler). */
    default void onMessage(ServerWebSocket ws, Message message) {}

    /** The connection failed (protocol violation, I/O error, timeout, handler exception). */
    default void onError(ServerWebSocket ws, Throwable error) {}

    /** The connection is closed. */
    default void onClose(ServerWebSocket ws, CloseEvent event) {}
}
