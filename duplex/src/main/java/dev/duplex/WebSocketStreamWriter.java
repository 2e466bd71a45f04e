package dev.duplex;

import java.util.concurrent.CompletableFuture;

/**
 * Writes messages to a WebSocket, with send backpressure: a bounded amount is handed to the network
 * layer at a time, the rest waits in order, and each write's future completes when its bytes have
 * been handed to the network (written to the socket), in order. A writer that waits for each future
 * (or keeps a fixed number outstanding) never grows a queue.
 *
 * <p>Thread-safe: messages are sent in the order {@code write} was called.
 */
public interface WebSocketStreamWriter {

    /**
     * Sends {@code message}: a {@link String} as a text message; a {@link java.nio.ByteBuffer} (its
     * remaining bytes, copied; its position is left alone) or a {@code byte[]} (copied) as a binary one.
     *
     * @return a future that completes when the message's bytes have left for the network, and fails —
     *         never throws — once the stream is closing or closed (or, when more than the write queue's
     *         limit waits unsent, with an {@link IllegalStateException})
     * @throws NullPointerException     when {@code message} is null
     * @throws IllegalArgumentException when {@code message} is of another type
     */
    CompletableFuture<Void> write(Object message);
}
