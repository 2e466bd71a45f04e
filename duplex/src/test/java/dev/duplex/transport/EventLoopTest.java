package dev.duplex.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EventLoopTest {

    @Test
    void tasksRunOnTheLoopInOrder() throws Exception {
        try (EventLoopGroup group = new EventLoopGroup("t", 1, Clock.SYSTEM, true)) {
            EventLoop loop = group.next();
            List<Integer> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1000);
            for (int i = 0; i < 1000; i++) {
                int n = i;
                loop.execute(() -> {
                    assertThat(loop.inEventLoop()).isTrue();
                    order.add(n);
                    done.countDown();
                });
            }
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(order).isSorted().hasSize(1000);
            assertThat(loop.inEventLoop()).isFalse();
        }
    }

    @Test
    void timersFireInDeadlineOrderOnlyWhenTheManualClockPassesThem() throws Exception {
        ManualClock clock = new ManualClock();
        try (EventLoopGroup group = new EventLoopGroup("t", 1, clock, true)) {
            EventLoop loop = group.next();
            List<String> fired = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> armed = new CompletableFuture<>();
            loop.execute(() -> {
                loop.schedule(() -> fired.add("b"), Duration.ofSeconds(20).toNanos());
                loop.schedule(() -> fired.add("a"), Duration.ofSeconds(10).toNanos());
                Timer cancelled = loop.schedule(() -> fired.add("never"), Duration.ofSeconds(5).toNanos());
                cancelled.cancel();
                armed.complete(null);
            });
            armed.get(60, TimeUnit.SECONDS);
            clock.advance(Duration.ofSeconds(15));
            awaitOnLoop(loop);
            assertThat(fired).containsExactly("a");
            clock.advance(Duration.ofSeconds(15));
            awaitOnLoop(loop);
            assertThat(fired).containsExactly("a", "b");
        }
    }

    @Test
    void aDeferredFlushRunsWhenTheStepThatAskedForItEnds() throws Exception {
        try (EventLoopGroup group = new EventLoopGroup("t", 1, Clock.SYSTEM, true)) {
            EventLoop loop = group.next();
            List<String> order = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            loop.execute(() -> {
                assertThat(loop.deferFlush(() -> order.add("flush a"))).isTrue();
                assertThat(loop.deferFlush(() -> order.add("flush b"))).isTrue();
                order.add("task 1 ends");
            });
            loop.execute(() -> {
                order.add("task 2");
                done.countDown();
            });
            assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("task 1 ends", "flush a", "flush b", "task 2");
            // a flush set off by a deferred flush is not deferred again (the step is over)
            CompletableFuture<Boolean> nested = new CompletableFuture<>();
            loop.execute(() -> loop.deferFlush(() -> nested.complete(loop.deferFlush(() -> { }))));
            assertThat(nested.get(60, TimeUnit.SECONDS)).isFalse();
        }
    }

    /**
     * Returns once the loop has run every timer due now: a zero-delay timer armed on the loop runs
     * after all timers with earlier deadlines. (Waiting for plain tasks is not enough: a task posted
     * while the loop drains its queue runs in the same turn, before that turn's timers.)
     */
    private static void awaitOnLoop(EventLoop loop) throws Exception {
        CompletableFuture<Void> f = new CompletableFuture<>();
        loop.execute(() -> loop.schedule(() -> f.complete(null), 0));
        f.get(60, TimeUnit.SECONDS);
    }
}
