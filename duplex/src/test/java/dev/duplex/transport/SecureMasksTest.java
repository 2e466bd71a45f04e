package dev.duplex.transport;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecureMasksTest {

    @Test
    void keysDoNotRepeatAcrossBatchesOrThreads() throws Exception {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 1_000; i++) { // 15 batches of 64
            seen.add(SecureMasks.INSTANCE.nextMask());
        }
        Set<Integer> other = CompletableFuture.supplyAsync(() -> {
            Set<Integer> s = new HashSet<>();
            for (int i = 0; i < 1_000; i++) {
                s.add(SecureMasks.INSTANCE.nextMask());
            }
            return s;
        }).get();
        Set<Integer> virtual = new HashSet<>();
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 200; i++) {
                virtual.add(SecureMasks.INSTANCE.nextMask());
            }
        });
        t.join();
        // 32-bit keys drawn at random: a repeat among 2,200 has a chance of about 1 in 1,800.
        assertThat(seen.size() + other.size() + virtual.size()).isGreaterThanOrEqualTo(2_198);
        seen.retainAll(other);
        assertThat(seen.size()).isLessThanOrEqualTo(1);
    }

    @Test
    void noncesAreFreshBytes() {
        byte[] a = new byte[16];
        byte[] b = new byte[16];
        SecureMasks.INSTANCE.nextBytes(a);
        SecureMasks.INSTANCE.nextBytes(b);
        assertThat(a).isNotEqualTo(b).isNotEqualTo(new byte[16]);
    }
}
