package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** web-platform-tests {@code websockets/interfaces/WebSocket/events/*} and the dispatch contract, against a real server. */
class EventsNetworkTest extends ServerTestBase {

    @Test
    void openMessageCloseInOrderWithReadyState() throws Exception { // events/001-014
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect(server.url("/echo"), s -> s.setOnopen(e -> s.send("hi")));
        ClientRecorder.Seen open = r.next("open");
        assertThat(open.state()).isEqualTo(WebSocket.OPEN);
        ClientRecorder.Seen message = r.next("message");
        assertThat(message.state()).isEqualTo(WebSocket.OPEN);
        assertThat(((MessageEvent) message.event()).data()).isEqualTo("hi");
        assertThat(((MessageEvent) message.event()).origin()).isEqualTo("ws://127.0.0.1:" + server.port());
        ws.close();
        ClientRecorder.Seen close = r.next("close");
        assertThat(close.state()).isEqualTo(WebSocket.CLOSED);
        r.assertNoMore(ws);
    }

    @Test
    void failedConnectionIsErrorThenCloseWithStateClosed() throws Exception { // events/015, error-detail
        int port;
        try (var probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // closed again: nothing listens there now
        }
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect("ws://127.0.0.1:" + port + "/");
        ClientRecorder.Seen error = r.next("error");
        assertThat(error.state()).isEqualTo(WebSocket.CLOSED);
        assertThat(((ErrorEvent) error.event()).cause()).isNotNull();
        ClientRecorder.Seen close = r.next("close");
        CloseEvent e = (CloseEvent) close.event();
        assertThat(e.code()).isEqualTo(1006);
        assertThat(e.wasClean()).isFalse();
        assertThat(e.cause()).isNotNull();
        r.assertNoMore(ws);
        assertThat(ws.awaitOpen(TIMEOUT)).isFalse();
    }

    @Test
    void listenersInRegistrationOrderWithOnXInItsFirstPlace() throws Exception { // events/016
        List<String> order = new ArrayList<>();
        WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.defaults(), s -> {
            s.addEventListener("open", e -> order.add("listener1"));
            s.setOnopen(e -> order.add("first handler"));
            s.addEventListener("open", e -> order.add("listener2"));
            s.setOnopen(e -> order.add("handler"));
        });
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        assertThat(order).containsExactly("listener1", "handler", "listener2");
        ws.close();
        awaitClose(ws);
    }

    @Test
    void removedListenerIsNotCalled() throws Exception { // events/019
        AtomicInteger calls = new AtomicInteger();
        EventListener<Event> listener = e -> calls.incrementAndGet();
        WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.defaults(), s -> {
            s.addEventListener("open", listener);
            s.removeEventListener("open", listener);
        });
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        assertThat(calls).hasValue(0);
        ws.close();
        awaitClose(ws);
    }

    @Test
    void targetsAndPhase() throws Exception { // events/017, events/018
        Object[] seen = new Object[5];
        WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.defaults(), s -> s.setOnopen(e -> {
            seen[0] = e.target();
            seen[1] = e.currentTarget();
            seen[2] = e.eventPhase();
            seen[3] = e.bubbles();
            seen[4] = e.cancelable();
        }));
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        assertThat(seen).containsExactly(ws, ws, Event.AT_TARGET, false, false);
        ws.close();
        awaitClose(ws);
    }

    @Test
    void eventsAreSerialOrderedAndOnVirtualThreads() throws Exception {
        int n = 500;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<String> got = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(n);
        boolean[] virtual = {true};
        WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.defaults(), s -> {
            s.setOnopen(e -> {
                for (int i = 0; i < n; i++) {
                    s.send(Integer.toString(i));
                }
            });
            s.setOnmessage(e -> {
                if (inside.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                virtual[0] &= Thread.currentThread().isVirtual();
                got.add((String) e.data()); // no lock: serial delivery is what is tested
                inside.decrementAndGet();
                all.countDown();
            });
        });
        assertThat(all.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(overlaps).hasValue(0);
        assertThat(virtual[0]).isTrue();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(Integer.toString(i));
        }
        assertThat(got).isEqualTo(expected);
        ws.close();
        awaitClose(ws);
    }

    @Test
    void aBlockingListenerStallsOnlyItsOwnSocket() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        WebSocket blocked = new WebSocket(server.url("/echo"), WebSocketOptions.defaults(), s ->
                s.setOnmessage(e -> {
                    try {
                        release.await();
                    } catch (InterruptedException ex) {
                        Thread.currentThread().interrupt();
                    }
                }));
        assertThat(blocked.awaitOpen(TIMEOUT)).isTrue();
        blocked.send("block");
        WebSocket other = open("/echo");
        ClientRecorder r = ClientRecorder.on(other);
        other.send("still served");
        assertThat(r.message().data()).isEqualTo("still served");
        release.countDown();
        other.close();
        blocked.close();
        awaitClose(other);
        awaitClose(blocked);
    }

    @Test
    void dispatchOnLoopRunsOnAPlatformThread() throws Exception {
        Thread[] thread = new Thread[1];
        WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.builder().dispatchOnLoop(true).build(),
                s -> s.setOnopen(e -> thread[0] = Thread.currentThread()));
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        assertThat(thread[0].isVirtual()).isFalse();
        ClientRecorder r = ClientRecorder.on(ws);
        ws.send("x");
        assertThat(r.message().data()).isEqualTo("x");
        ws.close();
        assertThat(awaitClose(ws).wasClean()).isTrue();
    }

    @Test
    void anOpenSocketWithListenersIsNotCollected() throws Exception {
        ClientRecorder r = new ClientRecorder();
        WeakReference<WebSocket> ref = new WeakReference<>(r.connect(server.url("/echo"),
                s -> s.setOnopen(e -> s.send("alive"))));
        r.next("open");
        System.gc(); // no reference left but the socket's own: it must stay, as the standard requires
        assertThat(r.message().data()).isEqualTo("alive");
        WebSocket ws = ref.get();
        assertThat(ws).isNotNull();
        assertThat(WebSocket.isLive(ws)).isTrue();
        ws.close();
        awaitClose(ws);
        assertThat(WebSocket.isLive(ws)).isFalse();
    }
}
