package dev.duplex.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Chat-room load: M members join a broadcast server (every text message it receives goes to every
 * member, the sender included); member 0 also sends, keeping W broadcasts in flight, where a
 * broadcast is done once all M members have it. Each message carries its sequence number and send
 * time, so every member checks it gets every broadcast, in order, intact, and the latency of each
 * single delivery is recorded.
 */
public final class BroadcastLoad {
    /** What one measured run produced; latencies in nanoseconds, per delivery. */
    public record Result(long deliveries, long broadcasts, double seconds, Histogram latency) {
        public double deliveriesPerSecond() {
            return deliveries / seconds;
        }
    }

    private static final int PAYLOAD = 32; // 16 hex digits of sequence, 16 of send time
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final int members;
    private final int window;
    private final int[] remaining;
    private final long origin = System.nanoTime();
    private final Selector selector;
    private final ByteBuffer in = ByteBuffer.allocateDirect(64 * 1024);
    private final Histogram histogram = new Histogram(3);
    private final List<Member> all = new ArrayList<>();
    private long now;
    private long nextSeq;
    private long doneSeq; // broadcasts below this sequence number reached every member
    private long deliveries;
    private long broadcasts;
    private long lastProgress;

    private BroadcastLoad(int members, int window) throws IOException {
        this.members = members;
        this.window = window;
        this.remaining = new int[window];
        this.selector = Selector.open();
    }

    public static Result run(InetSocketAddress address, String path, int members, int window,
                             long warmupNanos, long measureNanos) throws IOException {
        List<SocketChannel> channels = Connector.open(address, path, members, false);
        BroadcastLoad load = new BroadcastLoad(members, window);
        try {
            for (SocketChannel ch : channels) {
                ch.configureBlocking(false);
                Member m = load.new Member(load.all.size(), ch);
                m.key = ch.register(load.selector, SelectionKey.OP_READ, m);
                load.all.add(m);
            }
            return load.loop(warmupNanos, measureNanos);
        } finally {
            load.selector.close();
            Connector.abort(channels);
        }
    }

    private Result loop(long warmupNanos, long measureNanos) throws IOException {
        now = System.nanoTime();
        long measureAt = now + warmupNanos;
        long endAt = measureAt + measureNanos;
        lastProgress = now;
        boolean measuring = false;
        long measureStart = 0;
        Member sender = all.get(0);
        sender.sendWhileWindowOpen();
        sender.flush();
        try {
            while (true) {
                selector.select(this::handle, 20);
                now = System.nanoTime();
                if (!measuring && now >= measureAt) {
                    measuring = true;
                    measureStart = now;
                    histogram.reset();
                    deliveries = 0;
                    broadcasts = 0;
                }
                if (now >= endAt) {
                    return new Result(deliveries, broadcasts, (now - measureStart) / 1e9, histogram);
                }
                if (now - lastProgress > STALL_NANOS) {
                    throw new IOException("no delivery for 10 s (" + (nextSeq - doneSeq) + " broadcasts pending)");
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void handle(SelectionKey key) {
        Member m = (Member) key.attachment();
        try {
            now = System.nanoTime();
            if (key.isReadable()) {
                m.readAll();
            }
            Member sender = all.get(0);
            sender.sendWhileWindowOpen();
            sender.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("member " + m.id + ": " + e.getMessage(), e));
        }
    }

    private void delivered(long seq) {
        int slot = (int) (seq % window);
        if (--remaining[slot] == 0) {
            if (seq != doneSeq) {
                throw new IllegalStateException("broadcast " + seq + " completed before " + doneSeq);
            }
            doneSeq++;
            broadcasts++;
        }
    }

    private final class Member implements FrameReader.Sink {
        final int id;
        final SocketChannel ch;
        SelectionKey key;
        final FrameReader reader = new FrameReader();
        final byte[] payload = new byte[PAYLOAD];
        int have;
        long expectedSeq;
        final ByteBuffer out;

        Member(int id, SocketChannel ch) {
            this.id = id;
            this.ch = ch;
            this.out = id == 0 ? ByteBuffer.allocateDirect(window * (PAYLOAD + 6)) : null;
        }

        /** Member 0 only: keep W broadcasts in flight. */
        void sendWhileWindowOpen() throws IOException {
            while (nextSeq - doneSeq < window) {
                long seq = nextSeq++;
                remaining[(int) (seq % window)] = members;
                String text = String.format("%016x%016x", seq, now - origin);
                ByteBuffer frame = Frames.encode(Frames.OP_TEXT, text.getBytes(StandardCharsets.US_ASCII),
                        ThreadLocalRandom.current().nextInt());
                out.put(frame);
            }
        }

        void flush() throws IOException {
            if (out == null) {
                return;
            }
            out.flip();
            if (out.hasRemaining()) {
                ch.write(out);
            }
            boolean more = out.hasRemaining();
            out.compact();
            int ops = more ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
            if (key.interestOps() != ops) {
                key.interestOps(ops);
            }
        }

        void readAll() throws IOException {
            while (true) {
                in.clear();
                int n = ch.read(in);
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                if (n == 0) {
                    return;
                }
                in.flip();
                reader.read(in, this);
                if (n < in.capacity()) {
                    return;
                }
            }
        }

        @Override
        public void frameStart(int opcode, boolean fin, long length) throws IOException {
            if (opcode != Frames.OP_TEXT || !fin || length != PAYLOAD) {
                throw new IOException("expected a final " + PAYLOAD + "-byte text frame, got opcode "
                        + opcode + " fin " + fin + " length " + length);
            }
            have = 0;
        }

        @Override
        public void payload(ByteBuffer b, int pos, int n) {
            b.get(pos, payload, have, n);
            have += n;
        }

        @Override
        public void frameEnd() throws IOException {
            String text = new String(payload, StandardCharsets.US_ASCII);
            long seq;
            long sentAt;
            try {
                seq = Long.parseUnsignedLong(text, 0, 16, 16);
                sentAt = Long.parseUnsignedLong(text, 16, 32, 16);
            } catch (NumberFormatException e) {
                throw new IOException("broadcast payload corrupted: " + text);
            }
            if (seq != expectedSeq) {
                throw new IOException("expected broadcast " + expectedSeq + ", got " + seq);
            }
            expectedSeq++;
            histogram.recordValue(Math.max(0, now - origin - sentAt));
            deliveries++;
            lastProgress = now;
            delivered(seq);
        }
    }
}
