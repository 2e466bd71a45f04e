package dev.duplex.transport;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TimerHeapTest {

    private static Timer timer(long deadline, long seq) {
        return new Timer(() -> { }, deadline, seq);
    }

    @Test
    void cancelTakesATimerOutAtOnceAndTheRestComeOutInDeadlineThenSchedulingOrder() {
        TimerHeap heap = new TimerHeap();
        List<Timer> all = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Timer t = timer((i * 7919L) % 101, i); // deadlines repeat: ties go by scheduling order
            all.add(t);
            heap.add(t);
        }
        assertThat(heap.size()).isEqualTo(1000);
        int left = 1000;
        for (int i = 0; i < 1000; i += 3) {
            all.get(i).cancel();
            left--;
            assertThat(heap.size()).isEqualTo(left);
        }
        all.get(0).cancel(); // twice: nothing more
        assertThat(heap.size()).isEqualTo(left);
        Timer prev = null;
        int n = 0;
        for (Timer t; (t = heap.poll()) != null; n++) {
            assertThat(t.isCancelled()).isFalse();
            if (prev != null) {
                assertThat(t.deadline > prev.deadline || t.deadline == prev.deadline && t.seq > prev.seq).isTrue();
            }
            prev = t;
            t.cancel(); // after it left the heap: harmless
        }
        assertThat(n).isEqualTo(left);
        assertThat(heap.peek()).isNull();
    }

    @Test
    void aTimerCancelledBeforeItIsAddedNeverEntersTheHeap() {
        TimerHeap heap = new TimerHeap();
        Timer t = timer(5, 0);
        t.cancel();
        heap.add(t);
        assertThat(heap.size()).isZero();
        assertThat(heap.poll()).isNull();
    }
}
