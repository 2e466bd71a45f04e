package dev.duplex.app;

/**
 * The chat room's own settings.
 *
 * @param history        messages a newcomer receives (the last N of the room)
 * @param maxQueuedBytes how far (bytes waiting to be sent) a member may fall behind before it is
 *                       closed with 1008
 * @param maxRooms       rooms the server keeps at most
 * @param presenceTtl    with Redis: how long a node's members stay listed once it stops
 *                       refreshing them (it died); refreshed every third of it
 */
public record ChatSettings(int history, long maxQueuedBytes, int maxRooms, java.time.Duration presenceTtl) {

    public static final java.time.Duration DEFAULT_PRESENCE_TTL = java.time.Duration.ofSeconds(15);

    public ChatSettings(int history, long maxQueuedBytes, int maxRooms) {
        this(history, maxQueuedBytes, maxRooms, DEFAULT_PRESENCE_TTL);
    }

    /** Entries each room's log keeps (about): the history size times 10, at least 1000. */
    public int logCapacity() {
        return Math.max(1000, history * 10);
    }

    public static final ChatSettings DEFAULTS = new ChatSettings(100, 1L << 20, 1000);

    public ChatSettings {
        if (history < 0 || maxQueuedBytes < 1 || maxRooms < 1 || presenceTtl.toMillis() < 300) {
            throw new IllegalArgumentException("history >= 0, max-queued >= 1, max-rooms >= 1, presence-ttl >= 0.3 s");
        }
    }
}
