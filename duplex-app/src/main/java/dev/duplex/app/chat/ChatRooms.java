package dev.duplex.app.chat;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * All rooms of a chat server, created on first use and kept (with their history) while the server
 * runs. Rooms are capped, so arbitrary paths cannot grow memory without bound.
 *
 * @param <S> the socket type (see {@link Outbox})
 */
public final class ChatRooms<S> {

    private final ConcurrentMap<String, ChatRoom<S>> rooms = new ConcurrentHashMap<>();
    private final Outbox<S> outbox;
    private final int historySize;
    private final long maxQueuedBytes;
    private final int maxRooms;
    private final Clock clock;
    private final Executor backing;
    private final Thread.UncaughtExceptionHandler onError;
    private final RoomBus bus;

    /**
     * @param backing executor the rooms' serial owners run on (a virtual-thread-per-task executor)
     */
    public ChatRooms(Outbox<S> outbox, int historySize, long maxQueuedBytes, int maxRooms,
                     Clock clock, Executor backing, Thread.UncaughtExceptionHandler onError) {
        this(outbox, historySize, maxQueuedBytes, maxRooms, clock, backing, onError, null);
    }

    /** @param bus carries the rooms' events between nodes; null for a single node */
    public ChatRooms(Outbox<S> outbox, int historySize, long maxQueuedBytes, int maxRooms,
                     Clock clock, Executor backing, Thread.UncaughtExceptionHandler onError,
                     RoomBus bus) {
        this.bus = bus;
        this.outbox = outbox;
        this.historySize = historySize;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxRooms = maxRooms;
        this.clock = clock;
        this.backing = backing;
        this.onError = onError;
    }

    /** The room with this name, created if needed; null when {@code maxRooms} exist already. */
    public ChatRoom<S> room(String name) {
        ChatRoom<S> room = rooms.get(name);
        if (room != null || rooms.size() >= maxRooms) {
            return room;
        }
        return rooms.computeIfAbsent(name, n -> {
            ChatRoom<S> created = new ChatRoom<>(n, outbox, historySize, maxQueuedBytes, clock,
                    new SerialExecutor(backing, onError), bus);
            created.openBus(); // asynchronous: the room's first publishes wait for the subscription
            return created;
        });
    }

    public int size() {
        return rooms.size();
    }
}
