package dev.duplex.app.chat;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.redis.StreamLog;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * All rooms of a chat server, created on first use and kept while the server runs. Rooms are
 * capped, so arbitrary paths cannot grow memory without bound.
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
    private final StreamLog log;
    private final int logCapacity;
    private final RoomBus bus;

    /**
     * @param backing     executor the rooms' serial owners run on (a virtual-thread-per-task executor)
     * @param log         the rooms' message logs (one stream per room)
     * @param logCapacity entries the log keeps per room (about), so the most a resume returns
     * @param bus         carries the rooms' notices between nodes; null for a single node
     */
    public ChatRooms(Outbox<S> outbox, int historySize, long maxQueuedBytes, int maxRooms,
                     Clock clock, Executor backing, Thread.UncaughtExceptionHandler onError,
                     StreamLog log, int logCapacity, RoomBus bus) {
        this.outbox = Objects.requireNonNull(outbox);
        this.historySize = historySize;
        this.maxQueuedBytes = maxQueuedBytes;
        this.maxRooms = maxRooms;
        this.clock = Objects.requireNonNull(clock);
        this.backing = Objects.requireNonNull(backing);
        this.onError = Objects.requireNonNull(onError);
        this.log = Objects.requireNonNull(log);
        this.logCapacity = logCapacity;
        this.bus = bus;
    }

    /** The room with this name, created if needed; null when {@code maxRooms} exist already. */
    public ChatRoom<S> room(String name) {
        ChatRoom<S> room = rooms.get(name);
        if (room != null || rooms.size() >= maxRooms) {
            return room;
        }
        return rooms.computeIfAbsent(name, n -> {
            ChatRoom<S> created = new ChatRoom<>(n, outbox, historySize, maxQueuedBytes, clock,
                    SerialExecutor.on(backing, onError), log, logCapacity, bus);
            created.open(); // asynchronous: newcomers are welcomed once the log's first batch is in
            return created;
        });
    }

    public int size() {
        return rooms.size();
    }
}
