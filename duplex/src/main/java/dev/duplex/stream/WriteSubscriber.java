package dev.duplex.stream;

import dev.duplex.WebSocketStreamWriter;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code writable()}: a {@link Flow.Subscriber} that writes each item through a
 * {@link WebSocketStreamWriter}. It requests {@code window} items at first and one more each time a
 * write's bytes have left, so at most {@code window} messages are in flight: a fast publisher is
 * slowed down to the network's pace. {@code onComplete} and {@code onError} close the connection (as
 * closing or aborting a browser's writable does); a failed write cancels the subscription.
 */
public final class WriteSubscriber implements Flow.Subscriber<Object> {

    private final WebSocketStreamWriter writer;
    private final Runnable close;
    private final int window;
    private final AtomicBoolean subscribed = new AtomicBoolean();
    private volatile Flow.Subscription subscription;

    public WriteSubscriber(WebSocketStreamWriter writer, Runnable close, int window) {
        this.writer = writer;
        this.close = close;
        this.window = window;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "subscription");
        if (!subscribed.compareAndSet(false, true)) {
            s.cancel(); // Reactive Streams 2.5: one subscription at a time
            return;
        }
        subscription = s;
        s.request(window);
    }

    @Override
    public void onNext(Object item) {
        java.util.concurrent.CompletableFuture<Void> f;
        try {
            f = writer.write(item);
        } catch (RuntimeException notAMessage) {
            subscription.cancel();
            return;
        }
        f.whenComplete((v, error) -> {
            Flow.Subscription s = subscription;
            if (error == null) {
                s.request(1);
            } else {
                s.cancel();
            }
        });
    }

    @Override
    public void onError(Throwable error) {
        close.run();
    }

    @Override
    public void onComplete() {
        close.run();
    }
}
