package dev.duplex.app;

import java.time.Duration;

/**
 * The chat room's own settings.
 *
 * @param history        messages a newcomer receives (the last N of the room)
 * @param maxQueuedBytes how far (bytes waiting to be sent) a member may fall behind before it is
 *                       closed with 1008
 * @param maxRooms       rooms the server keeps at most
 * @param presenceTtl    with Redis: how long a node's members stay listed once it stops
 *                       refreshing them (it died); refreshed every third of it
 * @param redisHold      with Redis: how long a message said while Redis is away is held before it
 *                       is refused (an error with its cid)
 */
public record ChatSettings(int history, long maxQueuedBytes, int maxRooms, Duration presenceTtl,
                           Duration redisHold) {

    public static final Duration DEFAULT_PRESENCE_TTL = Duration.ofSeconds(15);
    public static final Duration DEFAULT_REDIS_HOLD = Duration.ofSeconds(10);

    public ChatSettings(int history, long maxQueuedBytes, int maxRooms) {
        this(history, maxQueuedBytes, maxRooms, DEFAULT_PRESENCE_TTL, DEFAULT_REDIS_HOLD);
    }

    /** Entries each room's Redis stream keeps (about): the history size times 10, at least 1000. */
    public int logCapacity() {
        return Math.max(1000, history * 10);
    }

    /** Entries each room's in-memory log keeps: the history size, at least 256. */
    public int memoryLogCapacity() {
        return Math.max(256, history);
    }

    public static final ChatSettings DEFAULTS = new ChatSettings(100, 1L << 20, 1000);

    public ChatSettings {
        if (history < 0 || maxQueuedBytes < 1 || maxRooms < 1 || presenceTtl.toMillis() < 300
                || redisHold.toMillis() < 100) {
            throw new IllegalArgumentException(
                    "history >= 0, max-queued >= 1, max-rooms >= 1, presence-ttl >= 0.3 s, redis-hold >= 0.1 s");
        }
    }
}
