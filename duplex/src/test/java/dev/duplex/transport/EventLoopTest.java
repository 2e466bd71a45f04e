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
    void burstsAskedForOnTheLoopStartTogetherAfterTheStepOnVirtualThreads() throws Exception {
        try (EventLoopGroup group = new EventLoopGroup("t", 1, Clock.SYSTEM, true)) {
            EventLoop loop = group.next();
            List<String> seen = new CopyOnWriteArrayList<>();
            CountDownLatch ran = new CountDownLatch(3);
            CountDownLatch stepOver = new CountDownLatch(1);
            loop.execute(() -> {
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    Dispatch.virtualThread().execute(() -> {
                        // started only after the loop's step: the step has counted down by now
                        seen.add(n + (stepOver.getCount() == 0 ? " after" : " during")
                                + (Thread.currentThread().isVirtual() ? " virtual" : " platform"));
                        ran.countDown();
                    });
                }
                seen.add("step");
                stepOver.countDown();
            });
            assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).first().isEqualTo("step");
            assertThat(seen).containsExactlyInAnyOrder("step", "0 after virtual", "1 after virtual", "2 after virtual");
        }
    }

    @Test
    void burstsAskedForOffTheLoopStartAtOnce() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Dispatch.virtualThread().execute(ran::countDown);
        assertThat(ran.await(60, TimeUnit.SECONDS)).isTrue();
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

    /** A clock of the test's own, not a {@link ManualClock}: the loop hears its jumps through {@link Clock#watch}. */
    private static final class JumpingClock implements Clock {
        private final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        private final List<Runnable> watchers = new CopyOnWriteArrayList<>();

        @Override
        public long nanoTime() {
            return nanos.get();
        }

        @Override
        public void watch(Runnable onJump) {
            watchers.add(onJump);
        }

        @Override
        public void unwatch(Runnable onJump) {
            watchers.remove(onJump);
        }

        void jump(Duration d) {
            nanos.addAndGet(d.toNanos());
            watchers.forEach(Runnable::run);
        }
    }

    @Test
    void anyClockThatJumpsWakesTheLoopItsTimersAreOnAndIsForgottenWhenTheLoopStops() throws Exception {
        JumpingClock clock = new JumpingClock();
        CompletableFuture<Void> fired = new CompletableFuture<>();
        try (EventLoopGroup group = new EventLoopGroup("t", 1, clock, true)) {
            EventLoop loop = group.next();
            assertThat(clock.watchers).hasSize(1);
            CompletableFuture<Void> armed = new CompletableFuture<>();
            loop.execute(() -> {
                loop.schedule(() -> fired.complete(null), Duration.ofHours(1).toNanos());
                armed.complete(null);
            });
            armed.get(60, TimeUnit.SECONDS);
            clock.jump(Duration.ofHours(1)); // the loop sleeps without a deadline it can see pass: only the jump wakes it
            fired.get(60, TimeUnit.SECONDS);
        }
        assertThat(clock.watchers).isEmpty();
    }

    @Test
    void aLoopDrivenByItsCallerRunsTasksAndDueTimersOnlyWhenAsked() {
        ManualClock clock = new ManualClock();
        EventLoop loop = EventLoop.drivenByCaller(clock);
        List<String> ran = new java.util.ArrayList<>();
        assertThat(loop.inEventLoop()).isTrue();
        loop.execute(() -> ran.add("task"));
        loop.schedule(() -> {
            ran.add("timer");
            loop.execute(() -> ran.add("task from the timer"));
        }, Duration.ofSeconds(1).toNanos());
        assertThat(ran).isEmpty();
        loop.runDue();
        assertThat(ran).containsExactly("task");
        clock.advance(Duration.ofSeconds(1));
        assertThat(ran).as("nothing runs behind the caller's back").containsExactly("task");
        loop.runDue();
        assertThat(ran).containsExactly("task", "timer", "task from the timer");
        loop.stopDriven();
        assertThat(loop.shutdown()).isDone();
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
