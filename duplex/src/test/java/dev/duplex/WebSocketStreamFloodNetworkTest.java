package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.server.OriginPolicy;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Receive backpressure, measured: a server floods 256 MiB in 64 KiB messages at a
 * {@link WebSocketStream} whose reader takes one message every ~2 ms at first, then reads the rest.
 * Throughout, how far the server is ahead of the reader (bytes it handed to its socket minus bytes
 * read) stays within the read buffer plus the kernel's socket buffers — without backpressure the
 * client would take everything at once and the server would be 256 MiB ahead — and the client's live
 * heap (after a GC) stays within a few MiB of where it started. The series is printed ("FLOOD" lines)
 * for docs/performance.md.
 *
 * <p>Servers: Node {@code ws} (its {@code bufferedAmount} is printed; after the slow phase it must
 * still hold nearly all that was not read), Python {@code websockets} (how far ahead = bytes its
 * {@code send} got through minus bytes read), and Duplex's own {@link WebSocketHandler#stream} handler
 * (bytes whose write futures completed minus bytes read; its send queue stays at 256 KiB).
 */
class WebSocketStreamFloodNetworkTest {

    private static final long TOTAL = 256L << 20;
    private static final int SIZE = 64 << 10;
    private static final int COUNT = (int) (TOTAL / SIZE);
    /**
     * Read buffer (1 MiB) + one read's overshoot (1 MiB) + the kernel's socket buffers, which Linux
     * autotunes on loopback up to {@code tcp_rmem}'s maximum (32 MiB on the development VM) plus
     * {@code tcp_wmem}'s (4 MiB): a quarter of what is sent, so a client without backpressure fails.
     */
    private static final long MAX_AHEAD = 64L << 20;
    private static final long MAX_HEAP_GROWTH = 48L << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"node", "python", "duplex"})
    void floodedReaderStaysBoundedAndTheServerStalls(String peer) throws Exception {
        if (peer.equals("duplex")) {
            AtomicLong written = new AtomicLong();
            AtomicLong maxServerBuffered = new AtomicLong();
            WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                    .originPolicy(OriginPolicy.any())
                    .route("/flood", WebSocketHandler.stream((ws, reader, writer) -> {
                        ByteBuffer b = ByteBuffer.allocate(SIZE);
                        for (int i = 0; i < COUNT; i++) {
                            b.putInt(0, i);
                            writer.write(b).get();
                            written.addAndGet(SIZE);
                            maxServerBuffered.accumulateAndGet(ws.bufferedAmount(), Math::max);
                        }
                        reader.read(); // until the client closes
                    }))
                    .build().start();
            try {
                flood("ws://127.0.0.1:" + server.port() + "/flood", peer, written::get, null);
                // The server's own send queue stayed at the stream writer's bound (256 KiB + a message).
                assertThat(maxServerBuffered.get()).isLessThanOrEqualTo((256L << 10) + SIZE);
            } finally {
                server.close();
            }
            return;
        }
        try (StreamPeer p = StreamPeer.start(peer, TOTAL, SIZE)) {
            if (peer.equals("node")) {
                // Node's bufferedAmount lags (see the script), so "how far ahead" is not measured; what
                // is: after the slow phase the server still holds what the reader has not taken.
                flood(p.url("/flood"), peer, () -> 0, p::progress);
            } else {
                flood(p.url("/flood"), peer, () -> Math.max(0, p.progress()), null);
            }
        }
    }

    /**
     * @param serverHanded bytes the server has handed to its socket, or 0 when it cannot tell
     * @param serverHeld   the server's bufferedAmount (bytes it could not hand over), or null
     */
    private static void flood(String url, String peer, LongSupplier serverHanded, LongSupplier serverHeld)
            throws Exception {
        WebSocketStream ws = new WebSocketStream(url, WebSocketStreamOptions.builder().perMessageDeflate(false).build());
        WebSocketStreamReader reader = ws.opened().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).reader();
        long baseHeap = liveHeap();
        long maxHeap = baseHeap;
        long maxAhead = 0;
        long start = System.nanoTime();
        List<String> series = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            if (i < 256) {
                LockSupport.parkNanos(2_000_000); // the consumer's pace (not a wait for anything)
            }
            Object m = reader.read();
            assertThat(m).isInstanceOf(ByteBuffer.class);
            ByteBuffer b = (ByteBuffer) m;
            assertThat(b.isReadOnly()).isTrue();
            assertThat(b.remaining()).isEqualTo(SIZE);
            assertThat(b.getInt(b.position())).as("message index").isEqualTo(i);
            long consumed = (long) (i + 1) * SIZE;
            long ahead = serverHanded.getAsLong() - consumed;
            maxAhead = Math.max(maxAhead, ahead);
            if (i == 255 && serverHeld != null) {
                // ~0.5 s of slow reading: without backpressure the client would have taken it all.
                assertThat(serverHeld.getAsLong()).as("server's bufferedAmount after the slow phase")
                        .isGreaterThanOrEqualTo(TOTAL - consumed - MAX_AHEAD);
            }
            if (i % 512 == 0 || i == 255 || i == COUNT - 1) {
                long heap = liveHeap();
                maxHeap = Math.max(maxHeap, heap);
                String server = serverHeld == null ? String.format("serverAhead=%.1fMiB", ahead / 1048576.0)
                        : String.format("serverBufferedAmount=%.1fMiB", serverHeld.getAsLong() / 1048576.0);
                series.add(String.format("FLOOD %s t=%dms read=%dMiB %s clientHeap=%.1fMiB", peer,
                        (System.nanoTime() - start) / 1_000_000, consumed >> 20, server, heap / 1048576.0));
            }
        }
        series.add(String.format("FLOOD %s max serverAhead=%.1fMiB max clientHeapGrowth=%.1fMiB", peer,
                maxAhead / 1048576.0, (maxHeap - baseHeap) / 1048576.0));
        series.forEach(System.out::println);
        assertThat(maxAhead).as("bytes the server got ahead of the reader (max %d MiB)", maxAhead >> 20)
                .isLessThanOrEqualTo(MAX_AHEAD);
        assertThat(maxHeap - baseHeap).as("client live heap growth").isLessThanOrEqualTo(MAX_HEAP_GROWTH);
        ws.close();
        ws.closed().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Heap in use after a full collection: what is live. */
    private static long liveHeap() {
        System.gc();
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }
}
