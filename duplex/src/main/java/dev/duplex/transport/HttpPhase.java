package dev.duplex.transport;

import java.nio.ByteBuffer;

/**
 * The HTTP exchange on a connection before it is a WebSocket: the server's side
 * ({@link ServerHttpExchange}) or the client's ({@link ClientUpgrade}). Loop thread only.
 */
interface HttpPhase {

    /**
     * Takes the bytes that belong to the exchange from {@code in}; bytes after a 101 stay in it for
     * the WebSocket, which by then is open.
     */
    void onBytes(ByteBuffer in);
}
