package dev.duplex.redis;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RedisBroker} against a real {@code redis-server} the test starts on a free port: what one
 * broker publishes reaches itself and another broker, all of it, in publish order, including
 * messages published before its own subscription was confirmed.
 */
class RedisBrokerTest {

    private static final int N = 2_000;

    private final List<AutoCloseable> open = new ArrayList<>();
    private dev.duplex.redis.testing.RedisServer redis;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** Collects messages (called on Lettuce's I/O thread, one at a time) until {@code n} arrived. */
    static final class Collector implements Consumer<String> {
        final List<String> got = new ArrayList<>();
        final CompletableFuture<List<String>> all = new CompletableFuture<>();
        final int n;

        Collector(int n) {
            this.n = n;
        }

        @Override
        public void accept(String message) {
            got.add(message);
            if (got.size() == n) {
                all.complete(List.copyOf(got));
            }
        }
    }

    @Test
    void publishesArriveEverywhereInOrderEvenBeforeTheSubscriptionIsConfirmed() throws Exception {
        String uri = startRedis();
        RedisBroker other = RedisBroker.connect(uri);
        open.add(other);
        RedisBroker publisher = RedisBroker.connect(uri);
        open.add(publisher);

        Collector atOther = new Collector(N);
        other.subscribe("duplex:test", atOther).toCompletableFuture().get(30, TimeUnit.SECONDS);
        Collector atPublisher = new Collector(N);
        publisher.subscribe("duplex:test", atPublisher); // not awaited: the first publishes are held
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            sent.add("m" + i);
            publisher.publish("duplex:test", "m" + i);
        }

        assertThat(atOther.all.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(sent);
        assertThat(atPublisher.all.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(sent);
    }

    @Test
    void unsubscribedChannelsAreNotDelivered() throws Exception {
        String uri = startRedis();
        RedisBroker broker = RedisBroker.connect(uri);
        open.add(broker);
        Collector a = new Collector(1);
        Collector b = new Collector(1);
        broker.subscribe("duplex:a", a).toCompletableFuture().get(30, TimeUnit.SECONDS);
        broker.subscribe("duplex:b", b).toCompletableFuture().get(30, TimeUnit.SECONDS);
        broker.unsubscribe("duplex:a");
        broker.publish("duplex:a", "lost");
        broker.publish("duplex:b", "kept");

        // Redis runs commands in order: once "kept" is back, "lost" went nowhere.
        assertThat(b.all.get(30, TimeUnit.SECONDS)).containsExactly("kept");
        assertThat(a.got).isEmpty();
    }

    private String startRedis() throws java.io.IOException {
        redis = dev.duplex.redis.testing.RedisServer.start();
        return redis.uri();
    }
}
