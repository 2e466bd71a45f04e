package dev.duplex.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Writes appends to Redis in call order, across disconnects. Lettuce's own reconnect sends the
 * commands it held and the ones in flight in no fixed order, so this connection has auto-reconnect
 * off and one sender thread owns it: it pipelines a batch, and when the connection drops it
 * reconnects and sends again, in order, everything not acknowledged. A command Redis ran whose
 * reply was lost is thus written twice; readers skip the second copy by its unique field.
 *
 * <p>An append never sent within {@code timeout} fails (refused); one already sent is retried
 * until acknowledged, since Redis may hold it.
 */
final class Appender {

    private static final System.Logger LOG = System.getLogger(Appender.class.getName());
    private static final int BATCH = 256;

    /** One append waiting for its acknowledgement. */
    private record Pending(String stream, String unique, String body, long deadline,
                           CompletableFuture<StreamId> done, boolean[] sent) {}

    private final RedisClient client;
    private final XAddArgs trim;
    private final Duration timeout;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<Pending> retry = new ArrayDeque<>(); // sender thread only
    private final Thread sender;
    private StatefulRedisConnection<String, String> connection; // sender thread only, null: reconnect
    private volatile boolean closed;
    private volatile boolean connected;

    Appender(RedisClient client, XAddArgs trim, Duration timeout) {
        this.client = client;
        this.trim = trim;
        this.timeout = timeout;
        this.connection = open(); // fails fast at startup when Redis is unreachable
        this.connected = true;
        this.sender = Thread.ofPlatform().daemon().name("duplex-redis-appender").start(this::run);
    }

    CompletableFuture<StreamId> append(String stream, String unique, String body) {
        CompletableFuture<StreamId> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("closed"));
        } else {
            queue.add(new Pending(stream, unique, body, System.nanoTime() + timeout.toNanos(), done,
                    new boolean[1]));
        }
        return done;
    }

    boolean connected() {
        return connected;
    }

    void close() {
        closed = true;
        sender.interrupt();
        try {
            sender.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            connection.close();
        }
    }

    private StatefulRedisConnection<String, String> open() {
        StatefulRedisConnection<String, String> c = client.connect();
        c.setAutoFlushCommands(true);
        return c;
    }

    private void run() {
        long backoff = 50;
        try {
            while (!closed) {
                if (connection != null && !connection.isOpen()) { // dropped while idle
                    disconnected(new RedisException("connection closed"));
                }
                if (connection == null && !reconnect()) {
                    nextBatch(); // fails what waited too long; waits up to 1 s for new appends
                    Thread.sleep(backoff); // the sender's own backoff while Redis is away
                    backoff = Math.min(backoff * 2, 1000);
                    continue;
                }
                backoff = 50;
                List<Pending> batch = nextBatch();
                if (batch.isEmpty()) {
                    continue;
                }
                try {
                    send(batch);
                } catch (RedisException | ExecutionException | TimeoutException e) {
                    disconnected(e);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
        failAll(new IllegalStateException("closed"));
    }

    private boolean reconnect() {
        try {
            connection = open();
        } catch (RedisException e) {
            return false;
        }
        connected = true;
        LOG.log(Level.INFO, "Redis reachable again; sending " + retry.size() + " held append(s) first");
        return true;
    }

    private void disconnected(Exception why) {
        if (connected) {
            LOG.log(Level.WARNING, "Redis unreachable; holding appends (up to " + timeout + "): " + why);
        }
        connected = false;
        if (connection != null) {
            connection.closeAsync();
            connection = null;
        }
    }

    /** What to send next: the unacknowledged first, then new appends; expired unsent ones fail. */
    private List<Pending> nextBatch() throws InterruptedException {
        if (retry.isEmpty()) {
            Pending first = queue.poll(1, TimeUnit.SECONDS);
            if (first == null) {
                return List.of();
            }
            retry.add(first);
        }
        while (retry.size() < BATCH) {
            Pending more = queue.poll();
            if (more == null) {
                break;
            }
            retry.add(more);
        }
        long now = System.nanoTime();
        List<Pending> batch = new ArrayList<>(retry.size());
        for (Pending p : retry) {
            if (!p.sent()[0] && now - p.deadline() > 0) {
                p.done().completeExceptionally(new TimeoutException("Redis unreachable for " + timeout));
            } else {
                batch.add(p);
            }
        }
        retry.clear();
        retry.addAll(batch);
        return batch;
    }

    /** Pipelines the batch; on success empties {@link #retry}, else keeps the unacknowledged. */
    private void send(List<Pending> batch) throws ExecutionException, TimeoutException, InterruptedException {
        if (!connection.isOpen()) { // dropped while idle: nothing of this batch went out
            throw new RedisException("connection closed");
        }
        List<RedisFuture<String>> replies = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            replies.add(connection.async().xadd(p.stream(), trim, "u", p.unique(), "b", p.body()));
            p.sent()[0] = true; // may have reached Redis from now on: retried until acknowledged
        }
        for (int i = 0; i < batch.size(); i++) {
            String id = replies.get(i).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            batch.get(i).done().complete(StreamId.parse(id));
            retry.removeFirst();
        }
    }

    private void failAll(Exception why) {
        retry.forEach(p -> p.done().completeExceptionally(why));
        retry.clear();
        Pending p;
        while ((p = queue.poll()) != null) {
            p.done().completeExceptionally(why);
        }
    }
}
