package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.duplex.server.OriginPolicy;
import dev.duplex.testing.TestCertificates;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link WebSocketStream} (issue 20): echo round trips against Node {@code ws}, Python {@code websockets}
 * and Duplex's own server; the Flow publisher's demand and cancel; send backpressure against a server
 * that stops reading; clean and unclean closes; {@code opened()} failures; the close-argument rules
 * shared with the classic {@link WebSocket}; one consumer per side.
 */
class WebSocketStreamNetworkTest {

    private static TestServer testServer;
    private static WebSocketServer server;
    /** /stalled: the handler reads nothing until this opens, then counts what arrives. */
    private static volatile CountDownLatch release = new CountDownLatch(1);
    private static final AtomicInteger stalledReceived = new AtomicInteger();
    /** /record: the close codes the server saw. */
    private static final BlockingQueue<Integer> serverCloses = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() {
        testServer = TestServer.plain();
        server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").originPolicy(OriginPolicy.any())
                .route("/burst-close", ws -> ws.onopen(() -> {
                    ws.send("a");
                    ws.send("b");
                    ws.send("c");
                    ws.close(4000, "done");
                }))
                .route("/record", ws -> {
                    ws.onopen(() -> IntStream.range(0, 100).forEach(i -> ws.send("m" + i)));
                    ws.onclose(e -> serverCloses.add(e.code()));
                })
                .route("/flood", WebSocketHandler.stream((ws, reader, writer) -> {
                    ByteBuffer b = ByteBuffer.allocate(64 << 10);
                    try {
                        while (true) {
                            writer.write(b).get(); // until the client's close makes writes fail
                        }
                    } catch (ExecutionException closing) {
                        // the connection is closing: done
                    }
                }))
                .route("/stalled", WebSocketHandler.stream((ws, reader, writer) -> {
                    release.await();
                    while (reader.read() != null) {
                        stalledReceived.incrementAndGet();
                    }
                }))
                .build().start();
    }

    @AfterAll
    static void stop() {
        testServer.close();
        server.close();
    }

    private static String url(String path) {
        return "ws://127.0.0.1:" + server.port() + path;
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        Throwable t = catchThrowable(() -> get(f));
        assertThat(t).isInstanceOf(ExecutionException.class);
        return t.getCause();
    }

    /** Waits for a condition another thread makes true (never for a fixed time). */
    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("timed out waiting for " + what).isLessThan(deadline);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    // --- round trips

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "python", "duplex"})
    void echoRoundTripsInOrder(String peer) throws Exception {
        StreamPeer p = peer.equals("duplex") ? null : StreamPeer.start(peer, 0, 1);
        try {
            String url = p == null ? testServer.url("/echo") : p.url("/echo");
            WebSocketStream ws = new WebSocketStream(url);
            WebSocketOpenInfo open = get(ws.opened());
            WebSocketStreamWriter writer = open.writer();
            WebSocketStreamReader reader = open.reader();
            Random random = new Random(7);
            List<Object> sent = new ArrayList<>();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int size = new int[] {0, 1, 125, 126, 4096, 65536, 300_000}[i % 7];
                if (i % 2 == 0) {
                    String text = ("é" + i + " ü — ").repeat(size / 4 + 1).substring(0, size);
                    sent.add(text);
                    writes.add(writer.write(text));
                } else {
                    byte[] bytes = new byte[size];
                    random.nextBytes(bytes);
                    sent.add(ByteBuffer.wrap(bytes));
                    writes.add(i % 4 == 1 ? writer.write(bytes) : writer.write(ByteBuffer.wrap(bytes)));
                }
            }
            for (Object expected : sent) {
                Object m = reader.read();
                if (expected instanceof String s) {
                    assertThat(m).isEqualTo(s);
                } else {
                    assertThat(m).isInstanceOf(ByteBuffer.class);
                    assertThat(((ByteBuffer) m).isReadOnly()).isTrue();
                    assertThat(m).isEqualTo(expected);
                }
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            ws.close(new WebSocketCloseInfo(1000, "done"));
            WebSocketCloseInfo closed = get(ws.closed());
            assertThat(closed.closeCode()).isEqualTo(1000);
            assertThat(reader.read()).as("read after a clean close").isNull();
        } finally {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void echoOverTlsWithDeflate() throws Exception {
        try (TestServer tls = TestServer.tls()) {
            WebSocketStream ws = new WebSocketStream(tls.url("/echo"), WebSocketStreamOptions.builder()
                    .sslContext(TestCertificates.get().clientContext()).build());
            WebSocketOpenInfo open = get(ws.opened());
            assertThat(open.extensions()).startsWith("permessage-deflate");
            WebSocketStreamWriter writer = open.writer();
            WebSocketStreamReader reader = open.reader();
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                writes.add(writer.write("tls " + i + " " + "x".repeat(i * 1000)));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(reader.read()).isEqualTo("tls " + i + " " + "x".repeat(i * 1000));
            }
            for (CompletableFuture<Void> w : writes) {
                get(w); // completed as the TLS records were made: the transport's write count over TLS
            }
            ws.close();
            assertThat(get(ws.closed()).closeCode()).isEqualTo(1005);
        }
    }

    @Test
    void optionsCarryTheClassicClientsSettings() {
        WebSocketOptions classic = WebSocketOptions.builder().protocols("a", "b").header("X-Token", "t")
                .connectTimeout(java.time.Duration.ofSeconds(3)).perMessageDeflate(false).build();
        WebSocketStreamOptions o = WebSocketStreamOptions.builder().socketOptions(classic)
                .readBuffer(4, 4096).writeBuffer(1024).maxQueuedBytes(8192).build();
        assertThat(o.protocols()).containsExactly("a", "b");
        assertThat(o.socketOptions().headers()).containsEntry("X-Token", List.of("t"));
        assertThat(o.socketOptions().connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
        assertThat(o.socketOptions().perMessageDeflate()).isFalse();
        assertThat(o.readBufferMessages()).isEqualTo(4);
        assertThat(o.readBufferBytes()).isEqualTo(4096);
        assertThat(o.writeBufferBytes()).isEqualTo(1024);
        assertThat(o.maxQueuedBytes()).isEqualTo(8192);
        assertThatThrownBy(() -> WebSocketStreamOptions.builder().readBuffer(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebSocketStreamOptions.builder().header("Upgrade", "x"))
                .isInstanceOf(IllegalArgumentException.class); // the classic builder's own check
    }

    @Test
    void writeCopiesAndLeavesTheBufferPositionAlone() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/echo"));
        WebSocketOpenInfo open = get(ws.opened());
        WebSocketStreamWriter writer = open.writer();
        ByteBuffer b = ByteBuffer.wrap(new byte[] {9, 1, 2, 3}).position(1);
        get(writer.write(b));
        assertThat(b.position()).isEqualTo(1);
        b.put(1, (byte) 7); // changed after write: the message was copied
        assertThat(open.reader().read()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThatThrownBy(() -> writer.write(42)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.write(null)).isInstanceOf(NullPointerException.class);
        ws.close();
        assertThat(get(ws.closed())).isEqualTo(new WebSocketCloseInfo(1005, ""));
    }

    // --- the Flow sides

    @Test
    void readableDeliversOnlyWhatWasRequested() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/echo"));
        WebSocketOpenInfo open = get(ws.opened());
        RecordingSubscriber sub = new RecordingSubscriber();
        open.readable().subscribe(sub);
        WebSocketStreamWriter writer = open.writer();
        for (int i = 0; i < 5; i++) {
            writer.write("m" + i);
        }
        sub.subscription.request(2);
        assertThat(sub.items.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("m0");
        assertThat(sub.items.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("m1");
        ws.close();
        get(ws.closed()); // every echo arrived before the close: three wait in the buffer, unrequested
        assertThat(sub.items).isEmpty();
        assertThat(sub.completed.getCount()).isEqualTo(1);
        sub.subscription.request(10);
        assertThat(sub.completed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(new ArrayList<>(sub.items)).containsExactly("m2", "m3", "m4");
        assertThat(sub.error).isNull();
    }

    @Test
    void cancellingTheSubscriptionClosesWith1000() throws Exception {
        serverCloses.clear();
        WebSocketStream ws = new WebSocketStream(url("/record"));
        RecordingSubscriber sub = new RecordingSubscriber();
        get(ws.opened()).readable().subscribe(sub);
        sub.subscription.request(1);
        assertThat(sub.items.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("m0");
        sub.subscription.cancel();
        assertThat(serverCloses.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1000);
        assertThat(get(ws.closed()).closeCode()).isEqualTo(1000);
        assertThat(sub.items).isEmpty(); // nothing after the cancel, though 99 more had been sent
    }

    @Test
    void writableTakesAPublisherAndClosesOnComplete() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/echo"));
        WebSocketOpenInfo open = get(ws.opened());
        WebSocketStreamReader reader = open.reader();
        try (SubmissionPublisher<Object> publisher = new SubmissionPublisher<>()) {
            publisher.subscribe(open.writable());
            for (int i = 0; i < 100; i++) {
                publisher.submit(i % 2 == 0 ? "t" + i : ("b" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 100; i++) {
                Object m = reader.read();
                if (i % 2 == 0) {
                    assertThat(m).isEqualTo("t" + i);
                } else {
                    assertThat(m).isEqualTo(ByteBuffer.wrap(("b" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
        } // close(): onComplete closes the connection with an empty close frame
        assertThat(get(ws.closed())).isEqualTo(new WebSocketCloseInfo(1005, ""));
        assertThat(reader.read()).isNull();
    }

    @Test
    void eachSideHasOneConsumer() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/echo"));
        WebSocketOpenInfo open = get(ws.opened());
        open.reader();
        assertThatThrownBy(() -> open.readable().subscribe(new RecordingSubscriber()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(open::reader).isInstanceOf(IllegalStateException.class);
        open.writable();
        assertThatThrownBy(open::writer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(open::writable).isInstanceOf(IllegalStateException.class);
        ws.close();
        get(ws.closed());
    }

    // --- send backpressure

    @Test
    void writesWaitForTheNetworkAndCompleteInOrder() throws Exception {
        release = new CountDownLatch(1);
        stalledReceived.set(0);
        int count = 400;
        int size = 64 << 10; // 25 MiB in all: more than the server's buffer and both sockets hold
        WebSocketStream ws = new WebSocketStream(url("/stalled"), WebSocketStreamOptions.builder()
                .perMessageDeflate(false).maxQueuedBytes(64L << 20).build());
        WebSocketStreamWriter writer = get(ws.opened()).writer();
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = i;
            futures.add(writer.write(new byte[size]).whenComplete((v, e) -> {
                if (e == null) {
                    completed.add(n);
                }
            }));
        }
        // Until some writes have left and the transport holds its share again (the server's buffer and
        // the sockets fill up): a future completes only once the transport has written its bytes, and
        // the transport is never handed more than the write buffer and one message.
        awaitTrue("writes to leave and the transport to back up", () -> {
            int c = completed.size();
            long written = ws.transportWritten(); // read after c: it only grows
            assertThat((long) c * size).as("bytes of completed writes vs bytes written").isLessThanOrEqualTo(written);
            long queued = ws.transportQueued();
            assertThat(queued).as("handed to the transport at a time")
                    .isLessThanOrEqualTo(WebSocketStreamOptions.DEFAULT_WRITE_BUFFER_BYTES + size);
            return c >= 16 && queued >= WebSocketStreamOptions.DEFAULT_WRITE_BUFFER_BYTES;
        });
        assertThat(futures.get(count - 1)).as("the last write, whose bytes cannot have left").isNotDone();
        int done = completed.size();
        assertThat((long) done * size).as("bytes reported written while the server reads nothing")
                .isLessThanOrEqualTo(16L << 20);
        release.countDown();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        awaitTrue("the completions to be recorded", () -> completed.size() == count);
        assertThat(completed).as("completion order").isEqualTo(IntStream.range(0, count).boxed().toList());
        ws.close();
        get(ws.closed());
        awaitTrue("the server to read everything", () -> stalledReceived.get() == count);
    }

    // --- closing

    @Test
    void cleanServerCloseLeavesBufferedMessagesReadable() throws Exception {
        WebSocketStream ws = new WebSocketStream(url("/burst-close"));
        WebSocketOpenInfo open = get(ws.opened());
        assertThat(get(ws.closed())).isEqualTo(new WebSocketCloseInfo(4000, "done"));
        WebSocketStreamReader reader = open.reader();
        assertThat(reader.read()).isEqualTo("a");
        assertThat(reader.read()).isEqualTo("b");
        assertThat(reader.read()).isEqualTo("c");
        assertThat(reader.read()).isNull();
        assertThat(reader.read()).isNull();
        Throwable writeAfter = failureOf(open.writer().write("late"));
        assertThat(writeAfter).isInstanceOf(DomException.class);
        assertThat(((DomException) writeAfter).name()).isEqualTo("InvalidStateError");
    }

    @Test
    void closeCompletesWhileTheServerFloodsAPausedReader() throws Exception {
        WebSocketStream ws = new WebSocketStream(url("/flood"));
        WebSocketStreamReader reader = get(ws.opened()).reader();
        assertThat(reader.read()).isInstanceOf(ByteBuffer.class);
        // The read buffer fills and the socket pauses; the server's close echo must still get through.
        awaitTrue("the read buffer to fill", () -> ws.readBufferFull());
        ws.close(new WebSocketCloseInfo(1000, "enough"));
        assertThat(get(ws.closed())).isEqualTo(new WebSocketCloseInfo(1000, "enough"));
        int buffered = 0;
        while (reader.read() != null) {
            buffered++;
        }
        // The buffer's 16 plus what the read that filled it still held (the loop reads up to 1 MiB at
        // a time: 16 more of these 64 KiB messages, 17 when the read straddles two, and the one whose
        // first bytes came before the pause); what arrived after close() with the buffer full was dropped.
        assertThat(buffered).as("what was buffered stays readable, and no more")
                .isBetween(1, 2 * WebSocketStreamOptions.DEFAULT_READ_BUFFER_MESSAGES + 2);
    }

    @Test
    void uncleanCloseErrorsTheReaderAndClosed() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/terminate"));
        WebSocketOpenInfo open = get(ws.opened());
        WebSocketStreamReader reader = open.reader();
        open.writer().write("drop me");
        assertThatThrownBy(reader::read).isInstanceOf(WebSocketError.class)
                .satisfies(e -> assertThat(((WebSocketError) e).closeCode()).isEqualTo(1006));
        assertThat(failureOf(ws.closed())).isInstanceOf(WebSocketError.class);
    }

    @Test
    void closeInfoRoundTripsAndCloseRejectsWhatTheClassicCloseRejects() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/echo"));
        WebSocketOpenInfo open = get(ws.opened());
        WebSocketStreamWriter writer = open.writer();
        assertThatThrownBy(() -> ws.close(new WebSocketCloseInfo(1001, "")))
                .isInstanceOfSatisfying(DomException.class, e -> assertThat(e.name()).isEqualTo("InvalidAccessError"));
        assertThatThrownBy(() -> ws.close(new WebSocketCloseInfo(1000, "x".repeat(124))))
                .isInstanceOfSatisfying(DomException.class, e -> assertThat(e.name()).isEqualTo("SyntaxError"));
        // Still open after a rejected close.
        get(writer.write("still here"));
        assertThat(open.reader().read()).isEqualTo("still here");
        ws.close(new WebSocketCloseInfo(4321, "bye é"));
        assertThat(failureOf(writer.write("after close"))).isInstanceOf(DomException.class);
        assertThat(get(ws.closed())).isEqualTo(new WebSocketCloseInfo(4321, "bye é"));
    }

    // --- opening

    @Test
    void constructorValidatesAsTheClassicOne() {
        for (String bad : new String[] {"ftp://127.0.0.1/", "ws://127.0.0.1/#frag", "ws://foo bar/"}) {
            assertThatThrownBy(() -> new WebSocketStream(bad)).as(bad)
                    .isInstanceOfSatisfying(DomException.class, e -> assertThat(e.name()).isEqualTo("SyntaxError"));
        }
        assertThatThrownBy(() -> new WebSocketStream(testServer.url("/echo"),
                WebSocketStreamOptions.builder().protocols("chat", "CHAT").build()))
                .isInstanceOfSatisfying(DomException.class, e -> assertThat(e.name()).isEqualTo("SyntaxError"));
        assertThat(new WebSocketStream("http://127.0.0.1:1/a?b").url()).isEqualTo("ws://127.0.0.1:1/a?b");
    }

    @Test
    void openedFailsWhenRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        WebSocketStream ws = new WebSocketStream("ws://127.0.0.1:" + port + "/");
        assertThat(failureOf(ws.opened())).isInstanceOf(WebSocketError.class);
        assertThat(failureOf(ws.closed())).isInstanceOf(WebSocketError.class);
    }

    @Test
    void openedFailsForABadHandshake() {
        WebSocketStream ws = new WebSocketStream(testServer.url("/reject?status=403"));
        assertThat(failureOf(ws.opened())).isInstanceOf(WebSocketError.class);
        assertThat(failureOf(ws.closed())).isInstanceOf(WebSocketError.class);
    }

    @Test
    void openedFailsForASubprotocolNotOfferedOrMissing() {
        WebSocketStream other = new WebSocketStream(testServer.url("/protocol?select=other"),
                WebSocketStreamOptions.builder().protocols("chat").build());
        assertThat(failureOf(other.opened())).isInstanceOf(WebSocketError.class);
        WebSocketStream none = new WebSocketStream(testServer.url("/echo"),
                WebSocketStreamOptions.builder().protocols("chat").build());
        assertThat(failureOf(none.opened())).isInstanceOf(WebSocketError.class);
    }

    @Test
    void openedCarriesTheSelectedSubprotocol() throws Exception {
        WebSocketStream ws = new WebSocketStream(testServer.url("/protocol"),
                WebSocketStreamOptions.builder().protocols("chat", "superchat").build());
        WebSocketOpenInfo open = get(ws.opened());
        assertThat(open.protocol()).isEqualTo("chat");
        ws.close();
        get(ws.closed());
    }

    @Test
    void closeWhileConnectingFailsOpened() {
        WebSocketStream ws = new WebSocketStream(testServer.url("/echo"));
        ws.close();
        // Either the close came first (failed) or the open did and the close completed cleanly.
        Throwable t = catchThrowable(() -> get(ws.opened()));
        if (t != null) {
            assertThat(t.getCause()).isInstanceOf(WebSocketError.class);
            assertThat(failureOf(ws.closed())).isInstanceOf(WebSocketError.class);
        } else {
            assertThat(ws.closed().join().closeCode()).isEqualTo(1005);
        }
    }

    /** Records a publisher's signals; requests nothing by itself. */
    static final class RecordingSubscriber implements Flow.Subscriber<Object> {
        final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
        final CountDownLatch completed = new CountDownLatch(1);
        volatile Flow.Subscription subscription;
        volatile Throwable error;

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(Object item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error = t;
            completed.countDown();
        }

        @Override
        public void onComplete() {
            completed.countDown();
        }
    }
}
