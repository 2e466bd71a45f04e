package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class FifoTest {

    @Test
    void makesNoArrayUntilTheFirstAdd() {
        Fifo<String> q = new Fifo<>();
        assertThat(q.capacity()).isZero();
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.poll()).isNull();
        assertThat(q.capacity()).isZero();
        q.add("a");
        assertThat(q.capacity()).isEqualTo(2);
    }

    @Test
    void keepsOrderAcrossWrapAroundAndGrowth() {
        Fifo<Integer> q = new Fifo<>();
        int next = 0;
        int expected = 0;
        // Interleave adds and polls so the head wraps before each growth.
        for (int round = 1; round <= 6; round++) {
            for (int i = 0; i < round * 3; i++) {
                q.add(next++);
            }
            for (int i = 0; i < round; i++) {
                assertThat(q.poll()).isEqualTo(expected++);
            }
        }
        assertThat(q.size()).isEqualTo(next - expected);
        while (!q.isEmpty()) {
            assertThat(q.poll()).isEqualTo(expected++);
        }
        assertThat(expected).isEqualTo(next);
        assertThat(q.poll()).isNull();
    }

    @Test
    void addAllAppendsInOrder() {
        Fifo<String> q = new Fifo<>();
        q.add("a");
        q.addAll(List.of("b", "c", "d"));
        assertThat(List.of(q.poll(), q.poll(), q.poll(), q.poll())).containsExactly("a", "b", "c", "d");
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> new Fifo<String>().add(null)).isInstanceOf(NullPointerException.class);
    }
}
