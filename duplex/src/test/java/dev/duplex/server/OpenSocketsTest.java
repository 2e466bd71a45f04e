package dev.duplex.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenSocketsTest {

    private static ServerWebSocket socket() {
        return new ServerWebSocket(null, null, null, null);
    }

    @Test
    void addsRemovesCountsAndIsUnmodifiableFromOutside() {
        OpenSockets open = new OpenSockets();
        ServerWebSocket a = socket();
        ServerWebSocket b = socket();
        ServerWebSocket c = socket();
        assertThat(open).isEmpty();
        assertThat(open.addSocket(a)).isTrue();
        assertThat(open.addSocket(b)).isTrue();
        assertThat(open.addSocket(c)).isTrue();
        assertThat(open.addSocket(b)).isFalse();
        assertThat(open).containsExactly(c, b, a).hasSize(3);
        assertThat(open.removeSocket(b)).isTrue();
        assertThat(open.removeSocket(b)).isFalse();
        assertThat(open).containsExactly(c, a).hasSize(2);
        assertThat(open.removeSocket(c)).isTrue(); // the head
        assertThat(open.removeSocket(a)).isTrue(); // the tail
        assertThat(open).isEmpty();
        assertThat(open.size()).isZero();
        assertThatThrownBy(() -> open.add(a)).isInstanceOf(UnsupportedOperationException.class);
        open.addSocket(a);
        assertThatThrownBy(() -> open.remove(a)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> open.iterator().remove()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anIteratorStandingOnARemovedSocketGoesOnToTheOthers() {
        OpenSockets open = new OpenSockets();
        List<ServerWebSocket> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(socket());
            open.addSocket(all.get(i));
        }
        var it = open.iterator();
        assertThat(it.next()).isSameAs(all.get(4));
        ServerWebSocket at = it.next();
        assertThat(at).isSameAs(all.get(3));
        open.removeSocket(at);            // the one it stands on,
        open.removeSocket(all.get(2));    // the one it will return next (already looked up),
        open.removeSocket(all.get(1));    // and the one after that
        List<ServerWebSocket> rest = new ArrayList<>();
        it.forEachRemaining(rest::add);
        assertThat(rest.stream().map(all::indexOf)).containsExactly(2, 0);
    }

    /**
     * Sockets come and go on several threads while others iterate: no iteration sees one twice,
     * and every socket open for the whole of an iteration is in it.
     */
    @Test
    void iterationIsWeaklyConsistentUnderConcurrentAddsAndRemoves() throws Exception {
        OpenSockets open = new OpenSockets();
        List<ServerWebSocket> stable = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ServerWebSocket ws = socket();
            stable.add(ws);
            open.addSocket(ws);
            open.addSocket(socket()); // interleaved with sockets that will come and go
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(4);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                try {
                    List<ServerWebSocket> mine = new ArrayList<>();
                    while (!stop.get()) {
                        if (mine.size() < 100 && ThreadLocalRandom.current().nextBoolean()) {
                            ServerWebSocket ws = socket();
                            open.addSocket(ws);
                            mine.add(ws);
                        } else if (!mine.isEmpty()) {
                            open.removeSocket(mine.remove(ThreadLocalRandom.current().nextInt(mine.size())));
                        }
                    }
                    for (ServerWebSocket ws : open) {
                        if (!stable.contains(ws)) {
                            open.removeSocket(ws);
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }));
            threads.add(new Thread(() -> {
                try {
                    for (int round = 0; round < 2_000; round++) {
                        Set<ServerWebSocket> seen = new HashSet<>();
                        for (ServerWebSocket ws : open) {
                            if (!seen.add(ws)) {
                                throw new AssertionError("seen twice in one iteration");
                            }
                        }
                        if (!seen.containsAll(stable)) {
                            throw new AssertionError("an iteration missed a socket open all along");
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }));
        }
        threads.forEach(Thread::start);
        for (int i = 1; i < threads.size(); i += 2) {
            threads.get(i).join();
        }
        stop.set(true);
        done.await();
        assertThat(failure.get()).isNull();
        assertThat(open.size()).isEqualTo(stable.size());
        assertThat(new ArrayList<>(open).stream().map(stable::indexOf)).doesNotContain(-1).doesNotHaveDuplicates();
    }
}
