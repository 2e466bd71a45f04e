package dev.duplex.redis;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Named publish/subscribe channels shared by several server processes: what one process
 * publishes on a channel reaches every process subscribed to it (itself included).
 *
 * <p>Contract: no method blocks; messages one broker publishes on one channel reach every
 * subscriber in publish order; a broker's listener for a channel is called one message at a
 * time, in arrival order. Delivery is at most once (a message published while the engine is
 * unreachable is dropped and logged).
 */
public interface Broker extends AutoCloseable {

    /**
     * Starts listening on {@code channel}; {@code listener} must not block (hand the message to
     * your own executor). Messages this broker publishes on the channel before the subscription
     * is confirmed are held back until it is, so the publisher sees its own messages too.
     *
     * @return completes when the subscription is confirmed (exceptionally if it failed)
     */
    CompletionStage<Void> subscribe(String channel, Consumer<String> listener);

    /** Publishes {@code message} on {@code channel}, asynchronously. */
    void publish(String channel, String message);

    /** Stops listening on {@code channel}. */
    void unsubscribe(String channel);

    /** Closes the connections; messages still in flight may be lost. */
    @Override
    void close();
}
