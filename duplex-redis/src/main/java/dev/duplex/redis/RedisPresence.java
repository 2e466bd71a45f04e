package dev.duplex.redis;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Who is where, across nodes, without ghosts: each node writes the names it holds under a key
 * (a room) into the sorted set {@code KEY} as {@code NODE \n NAME} scored by an expiry time, and
 * refreshes them every third of the {@code ttl}; entries of a node that stopped refreshing (killed)
 * expire and are removed by whichever node refreshes next. {@link #others} answers at once from
 * the names read at the last refresh, so it may be up to a third of the ttl old.
 */
public final class RedisPresence implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(RedisPresence.class.getName());

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final Duration ttl;
    private final Clock clock;
    private final String node = UUID.randomUUID().toString();
    private final ConcurrentMap<String, Set<String>> own = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, List<String>> others = new ConcurrentHashMap<>();
    private final java.util.concurrent.Semaphore wake = new java.util.concurrent.Semaphore(0);
    private final Thread refresher;
    private volatile boolean closed;

    private RedisPresence(RedisClient client, Duration ttl, Clock clock) {
        this.client = client;
        this.ttl = ttl;
        this.clock = clock;
        this.connection = client.connect();
        this.refresher = Thread.ofPlatform().daemon().name("duplex-redis-presence").start(this::refreshLoop);
    }

    /** Connects at startup (waits for the connection). */
    public static RedisPresence connect(String uri, Duration ttl) {
        RedisClient client = RedisClient.create(Objects.requireNonNull(uri));
        try {
            return new RedisPresence(client, ttl, Clock.systemUTC());
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** This node now holds exactly {@code names} under {@code key}; the change is written at once, asynchronously. */
    public void set(String key, Collection<String> names) {
        Set<String> now = Set.copyOf(names);
        Set<String> before = own.put(key, now);
        if (before == null) {
            wake.release(); // read the others' names for a new key now
            write(key, now);
            return;
        }
        List<String> gone = before.stream().filter(n -> !now.contains(n)).map(n -> node + "\n" + n).toList();
        if (!gone.isEmpty()) {
            connection.async().zrem(key, gone.toArray(String[]::new));
        }
        // Only the new names: the refresh rewrites them all every third of the TTL, and a storm of
        // N joins would otherwise write N lists of up to N names.
        Set<String> added = new java.util.HashSet<>(now);
        added.removeAll(before);
        write(key, added);
    }

    /** The names other nodes hold under {@code key}, as of the last refresh (sorted, may repeat). */
    public List<String> others(String key) {
        return others.getOrDefault(key, List.of());
    }

    @Override
    public void close() {
        closed = true;
        refresher.interrupt();
        try {
            own.forEach((key, names) -> { // leave no ghosts behind when stopping cleanly
                if (!names.isEmpty()) {
                    connection.sync().zrem(key, names.stream().map(n -> node + "\n" + n).toArray(String[]::new));
                }
            });
        } catch (RedisException e) {
            LOG.log(Level.DEBUG, "presence not cleared on close (the entries expire): " + e);
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
    }

    private void write(String key, Set<String> names) {
        if (names.isEmpty()) {
            return;
        }
        double expiry = clock.millis() + ttl.toMillis();
        List<ScoredValue<String>> scored = new ArrayList<>(names.size());
        names.forEach(n -> scored.add(ScoredValue.just(expiry, node + "\n" + n)));
        @SuppressWarnings("unchecked")
        ScoredValue<String>[] values = scored.toArray(ScoredValue[]::new);
        connection.async().zadd(key, values);
    }

    private void refreshLoop() {
        long period = Math.max(50, ttl.toMillis() / 3);
        while (!closed) {
            try {
                for (String key : own.keySet()) {
                    write(key, own.get(key));
                    long now = clock.millis();
                    connection.sync().zremrangebyscore(key, Range.create(Double.NEGATIVE_INFINITY, (double) now));
                    List<String> names = new ArrayList<>();
                    for (String entry : connection.sync().zrangebyscore(key, Range.create((double) now, Double.POSITIVE_INFINITY))) {
                        int nl = entry.indexOf('\n');
                        if (nl > 0 && !entry.substring(0, nl).equals(node)) {
                            names.add(entry.substring(nl + 1));
                        }
                    }
                    names.sort(null);
                    others.put(key, List.copyOf(names));
                }
            } catch (RedisException e) {
                LOG.log(Level.DEBUG, "presence refresh failed; next in " + period + " ms: " + e);
            }
            try {
                wake.tryAcquire(period, TimeUnit.MILLISECONDS); // the refresh period, or a new key
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
