package dev.duplex.stream;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.WebSocketError;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code readable()}: a {@link Flow.Publisher} over a {@link ReadBuffer} for one subscriber. Messages
 * are handed over only as far as {@code request(n)} allows, so a slow subscriber leaves them in the
 * buffer, which pauses the socket. Signals run on a virtual thread, one at a time, never on the
 * transport's loop. A second {@code subscribe} (or one after {@code reader()}) throws
 * {@link IllegalStateException}, as locking a browser stream twice does.
 */
final class MessagePublisher implements Flow.Publisher<Object> {

    private final ReadBuffer buffer;
    private final Runnable onCancel;

    MessagePublisher(ReadBuffer buffer, Runnable onCancel) {
        this.buffer = buffer;
        this.onCancel = onCancel;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super Object> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        buffer.claim();
        Delivery d = new Delivery(subscriber);
        buffer.onChange(d.runner);
        subscriber.onSubscribe(d);
        d.subscribed = true;
        d.runner.run();
    }

    private final class Delivery implements Flow.Subscription {
        private final Flow.Subscriber<? super Object> subscriber;
        private final AtomicLong demand = new AtomicLong();
        private final AtomicBoolean cancelled = new AtomicBoolean();
        final Runnable runner = SerialExecutor.virtual("duplex-stream-readable").coalescing(this::deliver);
        volatile boolean subscribed;
        private volatile Throwable badRequest;
        private boolean done; // runner thread only

        Delivery(Flow.Subscriber<? super Object> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                // Reactive Streams 3.9: a non-positive request is signalled as onError.
                badRequest = new IllegalArgumentException("request(" + n + "): n must be positive");
            } else {
                demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
            }
            runner.run();
        }

        /** Stops delivery and closes the connection (1000): nobody will read the rest. */
        @Override
        public void cancel() {
            if (cancelled.compareAndSet(false, true)) {
                onCancel.run();
            }
        }

        private void deliver() {
            if (!subscribed || done) {
                return;
            }
            if (cancelled.get()) {
                done = true;
                return;
            }
            if (badRequest != null) {
                done = true;
                cancel();
                subscriber.onError(badRequest);
                return;
            }
            while (demand.get() > 0 && !cancelled.get()) {
                Object m = buffer.poll();
                if (m == null) {
                    break;
                }
                demand.decrementAndGet();
                subscriber.onNext(m);
            }
            if (cancelled.get()) {
                done = true;
                return;
            }
            WebSocketError error = buffer.error();
            if (error != null) {
                done = true;
                subscriber.onError(error);
            } else if (buffer.finished()) {
                done = true;
                subscriber.onComplete();
            }
        }
    }
}
