package dev.duplex.bench.load;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.server.MessagePart;
import dev.duplex.server.ServerWebSocket;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Issue 7, end to end: the bytes the server's event-loop thread allocates per echoed message, over
 * loopback, on the real socket path ({@code SocketConnection} → {@code ServerWebSocket} →
 * {@link WebSocketHandler#echo()} → {@code sendPart}). One loop thread serves one raw client that
 * sends masked binary frames and reads the echoes; the loop's allocation is read with
 * {@code com.sun.management.ThreadMXBean.getThreadAllocatedBytes} before and after the measured
 * messages (the client's own allocation is not counted).
 *
 * <p>Modes: {@code pingpong} (one message in flight: every message is a read batch of its own, so
 * per-batch costs count in full) and {@code burst} (16 messages written at once: several per read;
 * for messages up to 8 KiB).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.duplex.bench.load.LoopAllocation [sizes...]}
 * (default 32 65536); {@code -Dmessages=N} measured messages per case (default 100000, warm-up as
 * many); {@code -Dhandler=whole} measures the whole-message echo ({@code ws.onmessage(ws::send)})
 * instead; {@code -Dmetrics=adders} has the server report to a {@link WebSocketMetrics} that counts
 * in {@code LongAdder}s, as the apps' Micrometer meters do (default: none). Prints one line per
 * case: size, mode, bytes per message.
 */
public final class LoopAllocation {

    private static final int BURST = 16;
    /** {@code -Dhandler=whole}: echo whole messages ({@code ws.onmessage(ws::send)}) instead of parts. */
    private static final boolean WHOLE = "whole".equals(System.getProperty("handler"));
    /** {@code -Dmetrics=adders}: count every hook call in LongAdders, as the apps do. */
    private static final boolean ADDERS = "adders".equals(System.getProperty("metrics"));

    private LoopAllocation() {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0 ? new int[] {32, 65536} : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        int messages = Integer.getInteger("messages", 100_000);
        for (int size : sizes) {
            // a burst of large messages could fill both directions' socket buffers (this client
            // writes all, then reads): bursts are for small messages only
            for (int burst : size <= 8192 ? new int[] {1, BURST} : new int[] {1}) {
                double perMessage = measure(size, burst, messages);
                System.out.printf(Locale.ROOT, "size %6d  %-8s  %8.2f B/message on the loop thread%n",
                        size, burst == 1 ? "pingpong" : "burst", perMessage);
            }
        }
    }

    /** Bytes allocated by the server's loop thread per echoed message of {@code size} bytes. */
    public static double measure(int size, int burst, int messages) throws Exception {
        WebSocketHandler echo = WebSocketHandler.echo();
        CompletableFuture<Thread> loopThread = new CompletableFuture<>();
        WebSocketHandler whole = ws -> { // whole messages: ws.onmessage(ws::send)
            loopThread.complete(Thread.currentThread());
            ws.onmessage(ws::send);
        };
        WebSocketHandler parts = new WebSocketHandler() { // echo(), and which thread it runs on
            @Override
            public void onOpen(ServerWebSocket ws) {
                loopThread.complete(Thread.currentThread());
                echo.onOpen(ws);
            }

            @Override
            public boolean receivesParts() {
                return echo.receivesParts();
            }

            @Override
            public void onPart(ServerWebSocket ws, MessagePart part) {
                echo.onPart(ws, part);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .metrics(ADDERS ? new Adders() : WebSocketMetrics.NONE)
                .route("/echo", WHOLE ? whole : parts).build().start()) {
            try (SocketChannel ch = ClientHandshake.open(new InetSocketAddress("127.0.0.1", server.port()), "/echo")) {
                Thread loop = loopThread.get(30, TimeUnit.SECONDS);
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                byte[] payload = new byte[size];
                ThreadLocalRandom.current().nextBytes(payload);
                ByteBuffer frame = Frames.encode(Frames.OP_BINARY, payload, 0x1234abcd);
                ByteBuffer out = ByteBuffer.allocateDirect(frame.remaining() * burst);
                for (int i = 0; i < burst; i++) {
                    out.put(frame.duplicate());
                }
                out.flip();
                ByteBuffer in = ByteBuffer.allocateDirect(1 << 20);
                Counter echoes = new Counter(payload);
                run(ch, out, in, echoes, burst, messages / burst); // warm-up
                long before = mx.getThreadAllocatedBytes(loop.threadId());
                run(ch, out, in, echoes, burst, messages / burst);
                long after = mx.getThreadAllocatedBytes(loop.threadId());
                return (double) (after - before) / (messages / burst * burst);
            }
        }
    }

    /** A {@link WebSocketMetrics} that counts what the hot path reports, as the apps' meters do. */
    private static final class Adders implements WebSocketMetrics {
        final LongAdder messagesIn = new LongAdder();
        final LongAdder messagesOut = new LongAdder();
        final LongAdder bytesIn = new LongAdder();
        final LongAdder bytesOut = new LongAdder();

        @Override public void messageReceived() { messagesIn.increment(); }
        @Override public void messageSent() { messagesOut.increment(); }
        @Override public void bytesReceived(long bytes) { bytesIn.add(bytes); }
        @Override public void bytesSent(long bytes) { bytesOut.add(bytes); }
    }

    /** Counts whole echoed messages (a 64 KiB message may come back in several parts, so in frames). */
    private static final class Counter implements FrameReader.Sink {
        final FrameReader reader = new FrameReader();
        final byte[] payload;
        long messages;
        boolean fin;
        int offset;

        Counter(byte[] payload) {
            this.payload = payload;
        }

        @Override
        public void frameStart(int opcode, boolean fin, long length) {
            this.fin = fin;
        }

        @Override
        public void payload(ByteBuffer in, int pos, int n) throws IOException {
            for (int i = 0; i < n; i++) { // the echo must be the message, byte for byte
                if (offset >= payload.length || in.get(pos + i) != payload[offset++]) {
                    throw new IOException("echo differs from the message at byte " + (offset - 1));
                }
            }
        }

        @Override
        public void frameEnd() throws IOException {
            if (fin) {
                if (offset != payload.length) {
                    throw new IOException("echo of " + offset + " bytes, not " + payload.length);
                }
                offset = 0;
                messages++;
            }
        }
    }

    private static void run(SocketChannel ch, ByteBuffer out, ByteBuffer in, Counter echoes, int burst, int rounds)
            throws IOException {
        for (int r = 0; r < rounds; r++) {
            out.rewind();
            while (out.hasRemaining()) {
                ch.write(out);
            }
            long want = echoes.messages + burst;
            while (echoes.messages < want) {
                in.clear();
                if (ch.read(in) < 0) {
                    throw new IOException("server closed");
                }
                in.flip();
                echoes.reader.read(in, echoes);
            }
        }
    }
}
