package dev.duplex;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The messages a {@link ReconnectingWebSocket} holds while it has no open connection, in order, up to a
 * byte limit. Not thread-safe: the socket guards it with its lock.
 */
final class PendingSends {

    private record Pending(Object data, long size) {
    }

    private final Queue<Pending> queue = new ArrayDeque<>();
    private final long maxBytes;
    private long bytes;

    PendingSends(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Holds a {@code String} or a read-only {@code ByteBuffer}; false when it would pass the limit. */
    boolean offer(Object data, long size) {
        if (bytes + size > maxBytes) {
            return false;
        }
        queue.add(new Pending(data, size));
        bytes += size;
        return true;
    }

    /** Sends everything held on {@code ws} (which must be OPEN), oldest first, and forgets it. */
    void drainTo(WebSocket ws) {
        Pending p;
        while ((p = queue.poll()) != null) {
            if (p.data() instanceof String text) {
                ws.send(text);
            } else {
                ws.send((ByteBuffer) p.data());
            }
        }
        bytes = 0;
    }

    void clear() {
        queue.clear();
        bytes = 0;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return queue.size();
    }
}
