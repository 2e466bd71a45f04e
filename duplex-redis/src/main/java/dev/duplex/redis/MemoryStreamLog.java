package dev.duplex.redis;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;

/**
 * A {@link StreamLog} in this process's memory: one node, no setup, lost on exit. Ids are made as
 * Redis makes them ({@code MILLIS-SEQ} from the clock, never going back), so an id from an earlier
 * run of the process is never found by {@link #range}. Each stream keeps its last
 * {@code capacity} entries exactly.
 */
public final class MemoryStreamLog implements StreamLog {

    private final ConcurrentMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final int capacity;
    private final Clock clock;

    public MemoryStreamLog(int capacity) {
        this(capacity, Clock.systemUTC());
    }

    public MemoryStreamLog(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock);
    }

    @Override
    public CompletionStage<StreamId> append(String stream, String body) {
        return CompletableFuture.completedFuture(stream(stream).append(Objects.requireNonNull(body)));
    }

    @Override
    public void follow(String stream, int last, Consumer<List<Entry>> sink) {
        stream(stream).follow(last, Objects.requireNonNull(sink));
    }

    @Override
    public CompletionStage<List<Entry>> range(String stream, StreamId after, StreamId upTo, int limit) {
        return CompletableFuture.completedFuture(stream(stream).range(after, upTo, limit));
    }

    @Override
    public boolean reachable() {
        return true;
    }

    @Override
    public void close() {
        streams.clear();
    }

    private Stream stream(String name) {
        return streams.computeIfAbsent(Objects.requireNonNull(name), n -> new Stream());
    }

    /** One stream; its lock orders appends and the calls to its followers. */
    private final class Stream {
        private final ArrayDeque<Entry> entries = new ArrayDeque<>();
        private final List<Consumer<List<Entry>>> followers = new ArrayList<>();
        private StreamId lastId = StreamId.ZERO;

        synchronized StreamId append(String body) {
            long now = clock.millis();
            StreamId id = Long.compareUnsigned(now, lastId.millis()) > 0
                    ? new StreamId(now, 0) : new StreamId(lastId.millis(), lastId.seq() + 1);
            lastId = id;
            Entry entry = new Entry(id, body);
            entries.addLast(entry);
            if (entries.size() > capacity) {
                entries.removeFirst();
            }
            List<Entry> one = List.of(entry);
            followers.forEach(f -> f.accept(one));
            return id;
        }

        synchronized void follow(int last, Consumer<List<Entry>> sink) {
            List<Entry> all = new ArrayList<>(entries);
            sink.accept(List.copyOf(all.subList(Math.max(0, all.size() - last), all.size())));
            followers.add(sink);
        }

        synchronized List<Entry> range(StreamId after, StreamId upTo, int limit) {
            boolean held = false;
            List<Entry> found = new ArrayList<>();
            for (Entry e : entries) {
                if (e.id().equals(after)) {
                    held = true;
                } else if (held && !e.id().isAfter(upTo) && found.size() < limit) {
                    found.add(e);
                }
            }
            return held ? found : null;
        }
    }
}
