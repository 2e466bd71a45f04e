package dev.duplex.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.UnblockType;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link StreamLog} on Redis Streams with Lettuce: {@code XADD … MAXLEN ~ capacity} on one
 * connection (asynchronous, in call order), and one reader thread that follows every stream with
 * {@code XREAD BLOCK} on a dedicated connection, from the last id it delivered.
 *
 * <p>Redis away: appends are held, in order, and written once Redis is back ({@link Appender});
 * an append still unsent after the hold time given to {@link #connect} fails (the caller refuses
 * the message).
 * The reader retries with backoff from the last id it delivered, so followers miss nothing the log
 * still holds. An append Redis ran whose reply was lost is written again; every entry carries a
 * unique field {@code u}, and followers and ranges skip an entry whose {@code u} they already saw,
 * so it is delivered once.
 */
public final class RedisStreamLog implements StreamLog {

    private static final System.Logger LOG = System.getLogger(RedisStreamLog.class.getName());

    /** How long commands wait for Redis before they fail (the reader's, the ranges'). */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    /** How long one XREAD waits for news. */
    static final Duration BLOCK = Duration.ofSeconds(1);
    /** Entries one XREAD takes per stream. */
    static final int BATCH = 512;
    /** Recent entry ids ({@code u}) remembered per stream to skip a retried append. */
    static final int RECENT = 4096;

    private final RedisClient client;
    private final RedisClient appending;
    private final StatefulRedisConnection<String, String> commands;
    private final StatefulRedisConnection<String, String> reader;
    private final ConcurrentMap<String, Follower> followers = new ConcurrentHashMap<>();
    private final Semaphore news = new Semaphore(0);
    private final Appender appender;
    private final String node = UUID.randomUUID().toString();
    private final AtomicLong appended = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean healthy = true;
    private volatile long readerId;

    private RedisStreamLog(RedisClient client, RedisClient appending, int capacity, Duration hold) {
        this.client = client;
        this.appending = appending;
        this.appender = new Appender(appending, new XAddArgs().maxlen(capacity).approximateTrimming(), hold);
        this.commands = client.connect();
        this.reader = client.connect();
        this.readerId = reader.sync().clientId();
        this.thread = Thread.ofPlatform().daemon().name("duplex-redis-streams").start(this::readLoop);
    }

    /**
     * Connects to Redis at {@code uri}; each stream keeps about {@code capacity} entries. Waits for
     * the two connections: call it at startup, not on an event loop.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis is unreachable
     */
    public static RedisStreamLog connect(String uri, int capacity, Duration hold) {
        if (capacity < 1 || hold.isNegative() || hold.isZero()) {
            throw new IllegalArgumentException("capacity must be >= 1 and hold > 0");
        }
        RedisClient client = RedisClient.create(Objects.requireNonNull(uri));
        client.setOptions(ClientOptions.builder()
                .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
                .build());
        RedisClient appending = RedisClient.create(uri); // auto-reconnect off: see Appender
        appending.setOptions(ClientOptions.builder().autoReconnect(false).build());
        try {
            return new RedisStreamLog(client, appending, capacity, hold);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            appending.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public CompletionStage<StreamId> append(String stream, String body) {
        String unique = node + ":" + appended.incrementAndGet();
        return appender.append(Objects.requireNonNull(stream), unique, Objects.requireNonNull(body));
    }

    @Override
    public void follow(String stream, int last, Consumer<List<Entry>> sink) {
        Follower f = new Follower(stream, last, Objects.requireNonNull(sink));
        if (followers.putIfAbsent(stream, f) != null) {
            throw new IllegalStateException("already following " + stream);
        }
        news.release();
        // wake the reader if it is blocked on the other streams (a no-op otherwise)
        commands.async().clientUnblock(readerId, UnblockType.TIMEOUT);
    }

    @Override
    public CompletionStage<List<Entry>> range(String stream, StreamId after, StreamId upTo, int limit) {
        String from = after.toString();
        return commands.async().xrange(stream, Range.create(from, from)).thenCompose(held -> {
            if (held.isEmpty()) {
                return CompletableFuture.completedFuture((List<Entry>) null);
            }
            if (!upTo.isAfter(after)) {
                return CompletableFuture.completedFuture(List.<Entry>of());
            }
            return commands.async().xrange(stream,
                            Range.from(Range.Boundary.excluding(from), Range.Boundary.including(upTo.toString())),
                            Limit.from(limit))
                    .thenApply(found -> entries(found, new Recent()));
        });
    }

    @Override
    public boolean reachable() {
        return healthy && appender.connected() && commands.isOpen() && reader.isOpen();
    }

    @Override
    public void close() {
        closed = true;
        news.release();
        appender.close();
        appending.shutdown(0, 2, TimeUnit.SECONDS);
        client.shutdown(0, 2, TimeUnit.SECONDS);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void readLoop() {
        long backoff = 50;
        while (!closed) {
            try {
                if (followers.isEmpty()) {
                    news.tryAcquire(BLOCK.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                }
                news.drainPermits();
                List<Follower> all = new ArrayList<>(followers.values());
                for (Follower f : all) {
                    if (f.next == null) {
                        f.start(reader.sync().xrevrange(f.stream, Range.unbounded(), Limit.from(f.last)));
                    }
                }
                @SuppressWarnings("unchecked")
                XReadArgs.StreamOffset<String>[] offsets = all.stream()
                        .map(f -> XReadArgs.StreamOffset.from(f.stream, f.next.toString()))
                        .toArray(XReadArgs.StreamOffset[]::new);
                List<StreamMessage<String, String>> read = reader.sync()
                        .xread(XReadArgs.Builder.block(BLOCK).count(BATCH), offsets);
                deliver(read);
                if (!healthy) {
                    readerId = reader.sync().clientId(); // a new connection has a new id
                    LOG.log(Level.INFO, "Redis reachable again; following " + all.size() + " stream(s)");
                }
                healthy = true;
                backoff = 50;
            } catch (RedisException e) {
                if (closed) {
                    return;
                }
                if (healthy) {
                    LOG.log(Level.WARNING, "Redis unreachable; retrying from the last delivered ids: " + e);
                }
                healthy = false;
                pause(backoff);
                backoff = Math.min(backoff * 2, 2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void deliver(List<StreamMessage<String, String>> read) {
        if (read == null || read.isEmpty()) {
            return;
        }
        String current = null;
        List<StreamMessage<String, String>> run = new ArrayList<>();
        for (StreamMessage<String, String> m : read) { // XREAD groups each stream's entries together
            if (!m.getStream().equals(current) && !run.isEmpty()) {
                followers.get(current).deliver(run);
                run = new ArrayList<>();
            }
            current = m.getStream();
            run.add(m);
        }
        followers.get(current).deliver(run);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the reader's own backoff while Redis is away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<Entry> entries(List<StreamMessage<String, String>> found, Recent seen) {
        List<Entry> out = new ArrayList<>(found.size());
        for (StreamMessage<String, String> m : found) {
            String body = m.getBody().get("b");
            StreamId id = StreamId.parse(m.getId());
            if (body != null && id != null && seen.firstTime(m.getBody().get("u"))) {
                out.add(new Entry(id, body));
            }
        }
        return out;
    }

    /** The unique fields of the last {@link #RECENT} entries. */
    private static final class Recent extends java.util.LinkedHashMap<String, Boolean> {
        boolean firstTime(String unique) {
            return unique == null || put(unique, Boolean.TRUE) == null;
        }

        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > RECENT;
        }
    }

    /** One followed stream; touched by the reader thread only. */
    private static final class Follower {
        final String stream;
        final int last;
        final Consumer<List<Entry>> sink;
        final Recent seen = new Recent();
        StreamId next; // the last id delivered; null until the first batch

        Follower(String stream, int last, Consumer<List<Entry>> sink) {
            this.stream = stream;
            this.last = last;
            this.sink = sink;
        }

        void start(List<StreamMessage<String, String>> newestFirst) {
            List<StreamMessage<String, String>> oldestFirst = new ArrayList<>(newestFirst);
            java.util.Collections.reverse(oldestFirst);
            List<Entry> initial = entries(oldestFirst, seen);
            next = oldestFirst.isEmpty() ? StreamId.ZERO : StreamId.parse(oldestFirst.getLast().getId());
            sink.accept(initial);
        }

        void deliver(List<StreamMessage<String, String>> batch) {
            List<StreamMessage<String, String>> fresh = new ArrayList<>(batch.size());
            for (StreamMessage<String, String> m : batch) {
                StreamId id = StreamId.parse(m.getId());
                if (id != null && id.isAfter(next)) {
                    fresh.add(m);
                    next = id;
                }
            }
            List<Entry> out = entries(fresh, seen);
            if (!out.isEmpty()) {
                sink.accept(out);
            }
        }
    }
}
