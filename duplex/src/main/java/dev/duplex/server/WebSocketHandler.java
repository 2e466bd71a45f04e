package dev.duplex.server;

import dev.duplex.CloseEvent;
import dev.duplex.WebSocketStreamOptions;

/**
 * Called for each WebSocket accepted on a route. The common case is a lambda that attaches handlers:
 * <pre>{@code route("/echo", ws -> ws.onmessage(ws::send))}</pre>
 * A class may instead override the other methods. Calls for one connection are made in order and
 * never concurrently: on the connection's event loop (they must not block) unless the server was
 * built with {@link WebSocketServer.Builder#virtualThreadHandlers(boolean)}.
 *
 * <p>Order: {@link #onOpen} once, then {@link #onMessage} for each message (or {@link #onPart} for each
 * part, see {@link #receivesParts()}), then — when the
 * connection failed — {@link #onError}, and always {@link #onClose} last, exactly once.
 */
@FunctionalInterface
public interface WebSocketHandler {

    /**
     * An echo: every message goes back unchanged, in kind, part by part as it arrives (a 16 MiB
     * message is never held whole), and the peer's close code and reason come back with the close.
     * Stateless: the same instance serves every connection.
     */
    static WebSocketHandler echo() {
        return EchoHandler.INSTANCE;
    }

    /**
     * A handler that runs {@code body} on a virtual thread of its own per connection, reading and
     * writing with blocking calls (see {@link StreamHandler}). The buffers are the client stream's
     * defaults ({@link WebSocketStreamOptions}): the socket pauses at 16 unread messages or 1 MiB; at most
     * 256 KiB is handed to the network at a time and 16 MiB may wait.
     */
    static WebSocketHandler stream(StreamHandler body) {
        return stream(body, WebSocketStreamOptions.DEFAULT_READ_BUFFER_MESSAGES,
                WebSocketStreamOptions.DEFAULT_READ_BUFFER_BYTES);
    }

    /** As {@link #stream(StreamHandler)}, pausing the socket at {@code messages} unread messages or {@code bytes}. */
    static WebSocketHandler stream(StreamHandler body, int messages, long bytes) {
        java.util.Objects.requireNonNull(body, "body");
        if (messages < 1 || bytes < 1) {
            throw new IllegalArgumentException("the read buffer needs at least one message and one byte");
        }
        return new StreamingHandler(body, messages, bytes, WebSocketStreamOptions.DEFAULT_WRITE_BUFFER_BYTES,
                WebSocketStreamOptions.DEFAULT_MAX_QUEUED_BYTES);
    }

    /** The opening handshake completed; the socket is OPEN and messages may be sent. */
    void onOpen(ServerWebSocket ws);

    /** A complete message arrived (called before the socket's {@code onmessage} handler). */
    default void onMessage(ServerWebSocket ws, Message message) {}

    /**
     * Whether this handler takes every message in parts, as it arrives ({@link #onPart}), instead of
     * whole ({@link #onMessage}): then the connection streams from its first message on. One stateless
     * handler instance can serve every connection of a route this way (nothing is made per connection,
     * unlike {@code ws.onpart(...)} in a lambda route).
     */
    default boolean receivesParts() {
        return false;
    }

    /**
     * A piece of a message arrived (see {@link MessagePart}: its bytes are valid during this call
     * only), when {@link #receivesParts()} or the socket's {@code onpart} handler asks for parts;
     * called before the socket's {@code onpart} handler.
     */
    default void onPart(ServerWebSocket ws, MessagePart part) {}

    /** The connection failed (protocol violation, I/O error, timeout, handler exception). */
    default void onError(ServerWebSocket ws, Throwable error) {}

    /** The connection is closed. */
    default void onClose(ServerWebSocket ws, CloseEvent event) {}
}

/** {@link WebSocketHandler#echo()}. */
final class EchoHandler implements WebSocketHandler {
    static final EchoHandler INSTANCE = new EchoHandler();

    private EchoHandler() {}

    @Override
    public void onOpen(ServerWebSocket ws) {}

    @Override
    public boolean receivesParts() {
        return true;
    }

    @Override
    public void onPart(ServerWebSocket ws, MessagePart part) {
        ws.sendPart(part);
    }
}
