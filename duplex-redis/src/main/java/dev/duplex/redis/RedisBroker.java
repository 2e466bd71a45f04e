package dev.duplex.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Broker} on Redis pub/sub, with Lettuce's asynchronous API: one connection publishes,
 * one connection subscribes (Redis wants a dedicated connection for subscriptions).
 *
 * <p>Order: Redis runs commands one at a time and delivers a channel's messages to every
 * subscriber in the order it ran the PUBLISHes; this broker sends its publishes for a channel on
 * one connection, in call order, so what one broker publishes arrives everywhere in that order
 * (and, since every node takes its own messages back from Redis, all subscribers of a channel see
 * one order). Lettuce calls listeners on its Netty I/O thread, one message at a time; listeners
 * must hand work off at once. Lettuce reconnects and resubscribes after a dropped connection;
 * messages published meanwhile are lost (pub/sub is at most once).
 */
public final class RedisBroker implements Broker {

    private static final System.Logger LOG = System.getLogger(RedisBroker.class.getName());

    /** Publishes held back per channel while its subscription is unconfirmed; more are dropped. */
    static final int MAX_HELD = 10_000;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> pub;
    private final StatefulRedisPubSubConnection<String, String> sub;
    private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();

    private RedisBroker(RedisClient client) {
        this.client = client;
        this.pub = client.connect();
        this.sub = client.connectPubSub();
        sub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                Channel c = channels.get(channel);
                if (c != null) {
                    c.listener.accept(message);
                }
            }
        });
    }

    /**
     * Connects to Redis at {@code uri} (e.g. {@code redis://127.0.0.1:6379}). This one call waits
     * for the two connections, so make it at startup, not on an event loop.
     *
     * @throws io.lettuce.core.RedisConnectionException when Redis is unreachable
     */
    public static RedisBroker connect(String uri) {
        RedisClient client = RedisClient.create(Objects.requireNonNull(uri));
        try {
            return new RedisBroker(client);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    @Override
    public CompletionStage<Void> subscribe(String channel, Consumer<String> listener) {
        Channel c = new Channel(Objects.requireNonNull(listener));
        if (channels.putIfAbsent(channel, c) != null) {
            throw new IllegalStateException("already subscribed to " + channel);
        }
        CompletableFuture<Void> confirmed = new CompletableFuture<>();
        sub.async().subscribe(channel).whenComplete((ok, error) -> {
            if (error != null) {
                LOG.log(Level.ERROR, "Redis SUBSCRIBE " + channel + " failed", error);
            }
            c.confirmed(channel); // held messages go out either way: other nodes may be listening
            if (error != null) {
                confirmed.completeExceptionally(error);
            } else {
                confirmed.complete(null);
            }
        });
        return confirmed;
    }

    @Override
    public void publish(String channel, String message) {
        Channel c = channels.get(channel);
        if (c == null) {
            send(channel, message);
            return;
        }
        synchronized (c) { // short and never contended by I/O: keeps one order per channel
            if (c.held != null) {
                if (c.held.size() < MAX_HELD) {
                    c.held.add(message);
                } else {
                    LOG.log(Level.WARNING, "Redis channel " + channel + " not subscribed yet; message dropped");
                }
                return;
            }
            send(channel, message);
        }
    }

    @Override
    public void unsubscribe(String channel) {
        if (channels.remove(channel) != null) {
            sub.async().unsubscribe(channel);
        }
    }

    /** Whether both Redis connections are up (false while Lettuce reconnects). */
    public boolean connected() {
        return pub.isOpen() && sub.isOpen();
    }

    /** How many channels are subscribed. */
    public int channels() {
        return channels.size();
    }

    @Override
    public void close() {
        channels.clear();
        client.shutdown(0, 2, TimeUnit.SECONDS); // closes both connections
    }

    private void send(String channel, String message) {
        pub.async().publish(channel, message).whenComplete((receivers, error) -> {
            if (error != null) {
                LOG.log(Level.WARNING, "Redis PUBLISH on " + channel + " failed; message dropped", error);
            }
        });
    }

    private final class Channel {
        final Consumer<String> listener;
        List<String> held = new ArrayList<>(); // null once the subscription is confirmed

        Channel(Consumer<String> listener) {
            this.listener = listener;
        }

        synchronized void confirmed(String channel) {
            List<String> waiting = held;
            held = null;
            for (String message : waiting) {
                send(channel, message);
            }
        }
    }
}
