package dev.duplex.concurrent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SerialExecutorTest {

    @Test
    void tasksFromManyThreadsRunOneAtATimeInEachThreadsOrder() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            SerialExecutor serial = SerialExecutor.on(pool);
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            int producers = 4;
            int each = 5_000;
            List<List<Integer>> seen = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                seen.add(new ArrayList<>());
            }
            CountDownLatch done = new CountDownLatch(producers * each);
            Thread[] threads = new Thread[producers];
            for (int p = 0; p < producers; p++) {
                int id = p;
                threads[p] = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        int n = i;
                        serial.execute(() -> {
                            if (inside.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            seen.get(id).add(n); // unsynchronized on purpose: serial runs give happens-before
                            inside.decrementAndGet();
                            done.countDown();
                        });
                    }
                });
                threads[p].start();
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(overlaps.get()).isZero();
            for (List<Integer> s : seen) {
                assertThat(s).hasSize(each).isSorted();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void inlineRunsOnTheCallerAndNeverNests() {
        SerialExecutor serial = SerialExecutor.inline();
        List<String> order = new ArrayList<>();
        serial.execute(() -> {
            order.add("outer start");
            assertThat(serial.inTask()).isTrue();
            serial.execute(() -> order.add("inner"));
            order.add("outer end");
        });
        assertThat(order).containsExactly("outer start", "outer end", "inner");
        assertThat(serial.inTask()).isFalse();
    }

    @Test
    void aFailingTaskGoesToTheHandlerAndTheNextOneRuns() {
        List<Throwable> errors = new ArrayList<>();
        SerialExecutor serial = SerialExecutor.on(Runnable::run, (t, e) -> errors.add(e));
        List<String> ran = new ArrayList<>();
        serial.execute(() -> {
            throw new IllegalStateException("boom");
        });
        serial.execute(() -> ran.add("next"));
        assertThat(errors).singleElement().extracting(Throwable::getMessage).isEqualTo("boom");
        assertThat(ran).containsExactly("next");
    }

    @Test
    void coalescingSignalsBeforeARunShareItAndASignalDuringARunAddsOne() {
        List<Runnable> queued = new ArrayList<>();
        SerialExecutor serial = SerialExecutor.on(queued::add); // bursts run when the test says
        AtomicInteger runs = new AtomicInteger();
        Runnable[] signal = new Runnable[1];
        signal[0] = serial.coalescing(() -> {
            if (runs.incrementAndGet() == 1) {
                signal[0].run(); // a signal while running: one more run
            }
        });
        signal[0].run();
        signal[0].run();
        signal[0].run();
        assertThat(queued).hasSize(1);
        queued.remove(0).run();
        assertThat(runs.get()).isEqualTo(2);
    }

    @Test
    void virtualRunsOffTheCallerAndReportsInTaskOnlyThere() throws Exception {
        SerialExecutor serial = SerialExecutor.virtual("serial-test");
        List<Boolean> seen = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        serial.execute(() -> {
            seen.add(Thread.currentThread().isVirtual());
            seen.add(serial.inTask());
            done.countDown();
        });
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly(true, true);
        assertThat(serial.inTask()).isFalse();
    }

    @Test
    void executeNextRunsAtOnceOnlyWhenItIsNextAnyway() {
        List<Runnable> bursts = new ArrayList<>();
        SerialExecutor serial = SerialExecutor.on(bursts::add);
        List<String> order = new ArrayList<>();
        serial.execute(() -> {
            serial.executeNext(() -> order.add("next, at once"));
            order.add("after the tail call");
            serial.execute(() -> order.add("queued"));
            serial.executeNext(() -> order.add("behind the queued one"));
        });
        bursts.remove(0).run();
        assertThat(order).containsExactly("next, at once", "after the tail call", "queued", "behind the queued one");
        serial.executeNext(() -> order.add("from outside: a burst of its own"));
        assertThat(order).hasSize(4);
        bursts.remove(0).run();
        assertThat(order).last().isEqualTo("from outside: a burst of its own");
    }
}
