package dev.duplex.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Handshakes per second: K workers, each looping over whole connection lives: connect, TLS
 * handshake (for {@code wss}), WebSocket upgrade (checked as {@link ClientHandshake} does), a
 * close frame sent (1000), the server's close frame awaited (it must echo 1000), then the TCP
 * connection reset (no TIME_WAIT left to exhaust the ports). A handshake counts when its whole life
 * ends inside the measured interval; latency is that life, connect to the server's close frame.
 * With {@code resume}, clients offer the session ticket of an earlier connection (TLS 1.3 PSK) and
 * the result counts how many handshakes the server actually resumed.
 */
final class HandshakeLoad {
    /** What one measured run produced; latencies in nanoseconds. */
    record Result(long handshakes, long resumed, double seconds, Histogram latency) {
        double perSecond() {
            return handshakes / seconds;
        }

        double resumedShare() {
            return handshakes == 0 ? 0 : (double) resumed / handshakes;
        }
    }

    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final ByteBuffer CLOSE = Frames.encode(8, new byte[] {0x03, (byte) 0xE8}, 0x5a17c0de);

    private HandshakeLoad() {}

    static Result run(InetSocketAddress address, String path, int workers, GeneratorTls tls, boolean resume,
                      long warmupNanos, long measureNanos) throws IOException {
        long measureAt = System.nanoTime() + warmupNanos;
        long endAt = measureAt + measureNanos;
        List<Worker> all = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Worker w = new Worker(address, path, tls, resume, measureAt, endAt);
            all.add(w);
            threads.add(Thread.ofPlatform().name("handshakes-" + i).start(w::run));
        }
        try {
            for (int i = 0; i < threads.size(); i++) {
                long left = endAt + STALL_NANOS - System.nanoTime();
                if (!threads.get(i).join(java.time.Duration.ofNanos(Math.max(1, left)))) {
                    all.forEach(Worker::abort); // unblocks the blocked reads
                    for (Thread t : threads) {
                        t.join();
                    }
                    throw new IOException("a handshake took over " + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS)
                            + " s (server stalled?)");
                }
            }
        } catch (InterruptedException e) {
            all.forEach(Worker::abort);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        Histogram h = new Histogram(3);
        long n = 0;
        long resumed = 0;
        for (Worker w : all) {
            if (w.failure != null) {
                throw w.failure;
            }
            h.add(w.histogram);
            n += w.completed;
            resumed += w.resumed;
        }
        return new Result(n, resumed, measureNanos / 1e9, h);
    }

    /** One worker: connection lives, one after another, on its own thread (blocking I/O). */
    private static final class Worker implements FrameReader.Sink {
        final InetSocketAddress address;
        final String path;
        final GeneratorTls tls;
        final boolean resume;
        final long measureAt;
        final long endAt;
        final Histogram histogram = new Histogram(3);
        final ByteBuffer in = ByteBuffer.allocateDirect(4096);
        volatile SocketChannel current;
        long completed;
        long resumed;
        IOException failure;
        int closeCode;

        Worker(InetSocketAddress address, String path, GeneratorTls tls, boolean resume, long measureAt, long endAt) {
            this.address = address;
            this.path = path;
            this.tls = tls;
            this.resume = resume;
            this.measureAt = measureAt;
            this.endAt = endAt;
        }

        void run() {
            try {
                long start;
                while ((start = System.nanoTime()) < endAt) {
                    boolean wasResumed = once();
                    long end = System.nanoTime();
                    if (start >= measureAt && end <= endAt) {
                        histogram.recordValue(end - start);
                        completed++;
                        if (wasResumed) {
                            resumed++;
                        }
                    }
                }
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(e.toString(), e);
            }
        }

        /** One connection's life; returns whether its TLS session was resumed. */
        private boolean once() throws IOException {
            Link link = ClientHandshake.open(address, path, tls, resume);
            current = link.channel;
            try {
                link.writeFully(CLOSE.duplicate());
                FrameReader reader = new FrameReader();
                closeCode = 0;
                while (closeCode == 0) {
                    in.clear();
                    if (link.read(in) < 0) {
                        throw new IOException("connection closed before the server's close frame");
                    }
                    in.flip();
                    reader.read(in, this);
                }
                // RFC 6455 5.5.1: the endpoint answering a close echoes its status code.
                if (closeCode != 1000) {
                    throw new IOException("the server answered close 1000 with " + closeCode);
                }
                return link instanceof TlsLink t && GeneratorTls.resumed(t.engine);
            } finally {
                Connector.abort(List.of(link.channel));
                link.release();
                current = null;
            }
        }

        void abort() {
            SocketChannel ch = current;
            if (ch != null) {
                Connector.abort(List.of(ch));
            }
        }

        @Override
        public void frameStart(int opcode, boolean fin, long length) throws IOException {
            throw new IOException("a data frame (opcode " + opcode + ") in answer to a close");
        }

        @Override
        public void payload(ByteBuffer b, int pos, int n) {
            // no data frames
        }

        @Override
        public void frameEnd() {
            // no data frames
        }

        @Override
        public void closeFrame(int code) {
            closeCode = code;
        }
    }
}
