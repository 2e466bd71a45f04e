package dev.duplex;

/**
 * Reads a WebSocket's messages one at a time, blocking: meant for virtual threads, where a plain
 * loop {@code while ((m = reader.read()) != null) …} needs no callbacks. The reader's pace is the
 * connection's: while its read buffer is full, Duplex stops reading the socket, so the peer's TCP
 * window fills and its sends stall.
 *
 * <p>Messages are a {@link String} for text and a read-only {@link java.nio.ByteBuffer} for binary.
 * One thread should read; {@code read} is safe to call from several, each message going to one.
 */
public interface WebSocketStreamReader {

    /**
     * Waits for the next message and returns it; returns null once the connection has closed cleanly
     * and every message received before has been read.
     *
     * @throws WebSocketError when the connection ended uncleanly (messages not yet read are dropped,
     *         as a browser errors the stream)
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    Object read() throws InterruptedException;
}
