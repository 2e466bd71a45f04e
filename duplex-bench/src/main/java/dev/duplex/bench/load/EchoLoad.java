package dev.duplex.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Closed-loop echo load: C connections, each keeping P messages in flight; every echoed byte is
 * compared with what was sent. Latency is measured from the moment a message is queued for the
 * socket to the moment its last echoed byte is read.
 *
 * <p>In {@code raw} mode there is no handshake and the generator expects its masked frames back
 * byte for byte: that is the load a plain TCP echo server sees, and it shows how fast the
 * generator itself can go on the same machine.
 */
public final class EchoLoad {
    /** One workload. */
    public record Spec(int connections, int inFlight, int payloadSize, boolean binary) {}

    /** What one measured run produced; latencies in nanoseconds. */
    public record Result(long messages, double seconds, int payloadSize, Histogram latency) {
        public double messagesPerSecond() {
            return messages / seconds;
        }

        public double megabytesPerSecond() {
            return messages * (double) payloadSize / seconds / 1e6;
        }
    }

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final int MIN_MESSAGES = 3;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final Spec spec;
    private final boolean raw;
    private final Frames frames;
    private final boolean small;

    private EchoLoad(Spec spec, boolean raw) {
        this.spec = spec;
        this.raw = raw;
        int variants = spec.payloadSize() >= (1 << 20) ? 2 : spec.payloadSize() > 4096 ? 8 : 64;
        this.frames = new Frames(spec.payloadSize(), spec.binary(), variants, 6455L * spec.payloadSize());
        this.small = frames.frameLength() <= 4096;
    }

    /** Runs one warm-up then one measured interval on {@code threads} selector threads. */
    public static Result run(InetSocketAddress address, String path, Spec spec, boolean raw,
                             long warmupNanos, long measureNanos, int threads) throws IOException {
        return run(address, path, spec, raw, null, warmupNanos, measureNanos, threads);
    }

    /** The same over TLS ({@code wss}) when {@code tls} is not null: the connections are opened one by one. */
    static Result run(InetSocketAddress address, String path, Spec spec, boolean raw, GeneratorTls tls,
                      long warmupNanos, long measureNanos, int threads) throws IOException {
        EchoLoad load = new EchoLoad(spec, raw);
        List<Link> channels = new ArrayList<>();
        try {
            if (tls == null) {
                Connector.open(address, path, spec.connections(), raw).forEach(ch -> channels.add(Link.plain(ch)));
            } else {
                for (int i = 0; i < spec.connections(); i++) {
                    channels.add(ClientHandshake.open(address, path, tls, false, !raw));
                }
            }
            int t = Math.max(1, Math.min(threads, spec.connections()));
            List<Worker> workers = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                workers.add(load.new Worker());
            }
            for (int i = 0; i < channels.size(); i++) {
                workers.get(i % t).add(channels.get(i));
            }
            long measureAt = System.nanoTime() + warmupNanos;
            long endAt = measureAt + measureNanos;
            List<Thread> running = new ArrayList<>();
            for (Worker w : workers) {
                running.add(Thread.ofPlatform().name("load-" + running.size()).start(() -> w.run(measureAt, endAt)));
            }
            for (Thread th : running) {
                th.join();
            }
            Histogram all = new Histogram(3);
            long messages = 0;
            double seconds = 0;
            for (Worker w : workers) {
                if (w.failure != null) {
                    throw w.failure;
                }
                all.add(w.histogram);
                messages += w.completed;
                seconds = Math.max(seconds, w.measuredNanos / 1e9);
            }
            return new Result(messages, seconds, spec.payloadSize(), all);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } finally {
            Connector.abort(channels.stream().map(l -> l.channel).toList());
            channels.forEach(Link::release);
        }
    }

    /** One selector thread and the connections it owns. */
    private final class Worker {
        final Selector selector;
        final List<Conn> conns = new ArrayList<>();
        final ByteBuffer in = ByteBuffer.allocateDirect(256 * 1024);
        final Histogram histogram = new Histogram(3);
        long now;
        long completed;
        long measuredNanos;
        long lastProgress;
        IOException failure;

        Worker() throws IOException {
            selector = Selector.open();
        }

        void add(Link link) throws IOException {
            link.channel.configureBlocking(false);
            Conn c = new Conn(conns.size(), link);
            c.key = link.channel.register(selector, SelectionKey.OP_READ, c);
            conns.add(c);
        }

        void run(long measureAt, long endAt) {
            try {
                now = System.nanoTime();
                lastProgress = now;
                for (Conn c : conns) {
                    c.fill();
                    c.flush();
                }
                boolean measuring = false;
                long measureStart = 0;
                while (true) {
                    selector.select(this::handle, 20);
                    now = System.nanoTime();
                    if (!measuring && now >= measureAt) {
                        measuring = true;
                        measureStart = now;
                        histogram.reset();
                        completed = 0;
                    }
                    // Slow workloads (16 MiB messages) get up to 3x the time to complete MIN_MESSAGES.
                    if (now >= endAt && (completed >= MIN_MESSAGES || now >= endAt + 2 * (endAt - measureAt))) {
                        measuredNanos = Math.max(1, now - measureStart);
                        return;
                    }
                    if (now - lastProgress > STALL_NANOS) {
                        throw new IOException("no echo for 10 s (server stalled or lost a message)");
                    }
                }
            } catch (IOException e) {
                failure = e;
            } catch (UncheckedIOException e) {
                failure = e.getCause();
            } finally {
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }

        private void handle(SelectionKey key) {
            Conn c = (Conn) key.attachment();
            try {
                now = System.nanoTime();
                if (key.isReadable()) {
                    c.readAll();
                    c.fill();
                }
                c.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(new IOException("connection " + c.id + ": " + e.getMessage(), e));
            }
        }

        /** One client connection. */
        private final class Conn implements FrameReader.Sink {
            final int id;
            final Link ch;
            SelectionKey key;
            final FrameReader reader = new FrameReader();
            final long[] sentAt = new long[spec.inFlight()];
            final int[] sentVariant = new int[spec.inFlight()];
            int head;
            int inFlight;
            int nextVariant;
            final ByteBuffer out;
            final ArrayDeque<ByteBuffer> pending;
            boolean inMessage;
            long offset; // into the expected payload (or the whole frame, raw)
            boolean lastFin;

            Conn(int id, Link ch) {
                this.id = id;
                this.ch = ch;
                this.nextVariant = id % frames.variants();
                this.out = small ? ByteBuffer.allocateDirect(spec.inFlight() * frames.frameLength()) : null;
                this.pending = small ? null : new ArrayDeque<>();
            }

            void fill() {
                while (inFlight < spec.inFlight()) {
                    int v = nextVariant;
                    nextVariant = v + 1 == frames.variants() ? 0 : v + 1;
                    int tail = (head + inFlight) % sentAt.length;
                    sentAt[tail] = now;
                    sentVariant[tail] = v;
                    inFlight++;
                    ByteBuffer f = frames.masked[v];
                    if (small) {
                        int len = f.remaining();
                        out.put(out.position(), f, 0, len);
                        out.position(out.position() + len);
                    } else {
                        pending.add(f.duplicate());
                    }
                }
            }

            void flush() throws IOException {
                boolean more;
                if (small) {
                    out.flip();
                    if (out.hasRemaining() || ch.pendingOutput()) {
                        ch.write(out);
                    }
                    more = out.hasRemaining() || ch.pendingOutput();
                    out.compact();
                } else {
                    while (!pending.isEmpty()) {
                        ByteBuffer b = pending.peek();
                        ch.write(b);
                        if (b.hasRemaining()) {
                            break;
                        }
                        pending.poll();
                    }
                    if (pending.isEmpty() && ch.pendingOutput()) {
                        ch.write(NOTHING); // the last records wrapped, still to be written
                    }
                    more = !pending.isEmpty() || ch.pendingOutput();
                }
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
                    if (raw) {
                        rawEcho(in);
                    } else {
                        reader.read(in, this);
                    }
                    if (n < in.capacity()) {
                        return;
                    }
                }
            }

            /** Raw mode: the bytes must be the masked frames exactly as sent. */
            private void rawEcho(ByteBuffer b) throws IOException {
                int pos = b.position();
                int limit = b.limit();
                while (pos < limit) {
                    if (inFlight == 0) {
                        throw new IOException("bytes arrived with nothing in flight");
                    }
                    ByteBuffer expected = frames.masked[sentVariant[head]];
                    int n = (int) Math.min(limit - pos, expected.remaining() - offset);
                    compare(b, pos, expected, (int) offset, n);
                    pos += n;
                    offset += n;
                    if (offset == expected.remaining()) {
                        offset = 0;
                        complete();
                    }
                }
            }

            @Override
            public void frameStart(int opcode, boolean fin, long length) throws IOException {
                if (!inMessage) {
                    if (opcode != frames.opcode) {
                        throw new IOException("expected opcode " + frames.opcode + ", got " + opcode);
                    }
                    if (inFlight == 0) {
                        throw new IOException("a message arrived with nothing in flight");
                    }
                    inMessage = true;
                    offset = 0;
                } else if (opcode != 0) {
                    throw new IOException("new message (opcode " + opcode + ") inside a fragmented one");
                }
                if (offset + length > spec.payloadSize()) {
                    throw new IOException("echo longer than the message sent");
                }
                lastFin = fin;
            }

            @Override
            public void payload(ByteBuffer b, int pos, int n) throws IOException {
                int v = sentVariant[head];
                if (frames.payloadHeap != null) {
                    byte[] expected = frames.payloadHeap[v];
                    int o = (int) offset;
                    for (int i = 0; i < n; i++) {
                        if (b.get(pos + i) != expected[o + i]) {
                            throw new IOException("echoed byte " + (o + i) + " differs from the one sent");
                        }
                    }
                } else {
                    compare(b, pos, frames.payload[v], (int) offset, n);
                }
                offset += n;
            }

            @Override
            public void frameEnd() throws IOException {
                if (lastFin) {
                    if (offset != spec.payloadSize()) {
                        throw new IOException("echo of " + offset + " bytes, sent " + spec.payloadSize());
                    }
                    inMessage = false;
                    complete();
                }
            }

            private void complete() {
                histogram.recordValue(Math.max(0, now - sentAt[head]));
                head = head + 1 == sentAt.length ? 0 : head + 1;
                inFlight--;
                completed++;
                lastProgress = now;
            }

            private void compare(ByteBuffer b, int pos, ByteBuffer expected, int at, int n) throws IOException {
                if (n <= 256) {
                    for (int i = 0; i < n; i++) {
                        if (b.get(pos + i) != expected.get(at + i)) {
                            throw new IOException("echoed byte " + (at + i) + " differs from the one sent");
                        }
                    }
                    return;
                }
                int m = b.slice(pos, n).mismatch(expected.slice(at, n));
                if (m >= 0) {
                    throw new IOException("echoed byte " + (at + m) + " differs from the one sent");
                }
            }
        }
    }
}
