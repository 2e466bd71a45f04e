package dev.duplex.redis;

import dev.duplex.redis.testing.RedisServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The two {@link StreamLog}s against one contract: the first batch is the last N, later entries
 * follow in order with increasing ids, ranges resume after a held id and say null for an unknown
 * one. For Redis (a real {@code redis-server} with {@code appendonly yes}), two logs share a
 * stream, and a restart of Redis in the middle of appends loses, duplicates and reorders nothing.
 */
class StreamLogTest {

    private static final int PATIENCE_SECONDS = 60;
    private static final java.time.Duration HOLD = java.time.Duration.ofSeconds(30);

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** Entries as a follower gets them, queued; the first batch separately. */
    static final class Follower implements Consumer<List<StreamLog.Entry>> {
        final CompletableFuture<List<StreamLog.Entry>> initial = new CompletableFuture<>();
        final LinkedBlockingQueue<StreamLog.Entry> later = new LinkedBlockingQueue<>();

        @Override
        public void accept(List<StreamLog.Entry> batch) {
            if (!initial.isDone()) {
                initial.complete(batch);
            } else {
                later.addAll(batch);
            }
        }

        List<String> take(int n) throws InterruptedException {
            List<String> bodies = new ArrayList<>();
            StreamId previous = StreamId.ZERO;
            for (int i = 0; i < n; i++) {
                StreamLog.Entry e = later.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
                if (e == null) {
                    fail("only " + i + " of " + n + " entries arrived: " + bodies);
                }
                assertThat(e.id().isAfter(previous)).as("%s after %s", e.id(), previous).isTrue();
                previous = e.id();
                bodies.add(e.body());
            }
            return bodies;
        }
    }

    @Test
    void memoryLogFollowsResumesAndForgetsTrimmedIds() throws Exception {
        MemoryStreamLog log = new MemoryStreamLog(5);
        open.add(log);
        contract(log, log);
    }

    @Test
    void redisLogsShareAStream() throws Exception {
        RedisServer redis = RedisServer.startPersistent();
        open.add(redis);
        RedisStreamLog a = RedisStreamLog.connect(redis.uri(), 5, HOLD);
        open.add(a);
        RedisStreamLog b = RedisStreamLog.connect(redis.uri(), 5, HOLD);
        open.add(b);
        contract(a, b);
        assertThat(a.reachable()).isTrue();
    }

    /** Writes through {@code writer}, follows and reads through {@code reader}. */
    private static void contract(StreamLog writer, StreamLog reader) throws Exception {
        List<StreamId> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ids.add(get(writer.append("room", "old " + i)));
        }
        Follower follower = new Follower();
        reader.follow("room", 2, follower);
        assertThat(follower.initial.get(PATIENCE_SECONDS, TimeUnit.SECONDS))
                .extracting(StreamLog.Entry::body).containsExactly("old 2", "old 3");
        for (int i = 1; i <= 3; i++) {
            ids.add(get(writer.append("room", "new " + i)));
        }
        assertThat(follower.take(3)).containsExactly("new 1", "new 2", "new 3");
        assertThat(ids).isSorted().doesNotHaveDuplicates();

        // resume after "old 3", up to "new 2"
        assertThat(get(reader.range("room", ids.get(2), ids.get(4), 100)))
                .extracting(StreamLog.Entry::body).containsExactly("new 1", "new 2");
        assertThat(get(reader.range("room", ids.get(5), ids.get(5), 100))).isEmpty();
        // never held, and trimmed (capacity 5: Redis trims approximately, so ask for an id it never had)
        assertThat(get(reader.range("room", new StreamId(1, 0), ids.get(5), 100))).isNull();
        assertThat(get(reader.range("other", ids.get(0), ids.get(5), 100))).isNull();
    }

    @Test
    void aRedisRestartLosesAndRepeatsNothing() throws Exception {
        RedisServer redis = RedisServer.startPersistent();
        open.add(redis);
        RedisStreamLog writer = RedisStreamLog.connect(redis.uri(), 10_000, HOLD);
        open.add(writer);
        RedisStreamLog reader = RedisStreamLog.connect(redis.uri(), 10_000, HOLD);
        open.add(reader);
        Follower follower = new Follower();
        reader.follow("room", 0, follower);
        assertThat(follower.initial.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEmpty();

        List<CompletionStage<StreamId>> appended = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            expected.add("before " + i);
            appended.add(writer.append("room", "before " + i));
        }
        assertThat(follower.take(100)).isEqualTo(expected.subList(0, 100));
        redis.stop();
        for (int i = 0; i < 200; i++) { // held by Lettuce while Redis is away
            expected.add("during " + i);
            appended.add(writer.append("room", "during " + i));
        }
        // Lettuce notices the lost connection on its own schedule: wait for it, within the patience.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (reader.reachable() && writer.reachable() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // poll the condition
        }
        assertThat(reader.reachable() && writer.reachable()).isFalse();
        redis.restart();
        for (CompletionStage<StreamId> a : appended) {
            get(a);
        }
        assertThat(follower.take(300)).isEqualTo(expected.subList(100, 400));
        assertThat(follower.later).isEmpty();
    }

    private static <T> T get(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }
}
