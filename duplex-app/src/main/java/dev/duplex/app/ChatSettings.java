package dev.duplex.app;

/**
 * The chat room's own settings.
 *
 * @param history        messages a newcomer receives (the last N of the room)
 * @param maxQueuedBytes how far (bytes waiting to be sent) a member may fall behind before it is
 *                       closed with 1008
 * @param maxRooms       rooms the server keeps at most
 */
public record ChatSettings(int history, long maxQueuedBytes, int maxRooms) {

    /** Entries each room's log keeps (about): the history size times 10, at least 1000. */
    public int logCapacity() {
        return Math.max(1000, history * 10);
    }

    public static final ChatSettings DEFAULTS = new ChatSettings(100, 1L << 20, 1000);

    public ChatSettings {
        if (history < 0 || maxQueuedBytes < 1 || maxRooms < 1) {
            throw new IllegalArgumentException("history >= 0, max-queued >= 1 and max-rooms >= 1");
        }
    }
}
