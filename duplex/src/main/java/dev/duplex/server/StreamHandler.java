package dev.duplex.server;

import dev.duplex.WebSocketStreamReader;
import dev.duplex.WebSocketStreamWriter;

/**
 * A connection's whole life as one blocking method on its own virtual thread: read a message, do
 * blocking work, write the reply — no callbacks. Install with {@link WebSocketHandler#stream}.
 *
 * <pre>{@code
 * .route("/upper", WebSocketHandler.stream((ws, reader, writer) -> {
 *     for (Object m; (m = reader.read()) != null; ) {
 *         writer.write(lookUp((String) m)).join();   // blocking work, then the reply
 *     }
 * }))
 * }</pre>
 *
 * <p>The reader and writer are the client's {@code WebSocketStream} types, with the same backpressure:
 * while the read buffer is full the socket is not read (the client's sends stall), and a write's future
 * completes when its bytes have left. {@code read()} returns null after the client's clean close and
 * throws {@link dev.duplex.WebSocketError} after an unclean one.
 *
 * <p>When the method returns, what it wrote goes out and the connection is closed with 1000 (unless
 * it closed already); when it throws, with 1011. {@code ws.close(code, reason)} closes with another
 * code; reading then goes on past a full buffer so the client's close frame arrives.
 */
@FunctionalInterface
public interface StreamHandler {

    void handle(ServerWebSocket ws, WebSocketStreamReader reader, WebSocketStreamWriter writer) throws Exception;
}
