package dev.duplex.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One soak client on its own RFC 6455 connection: a virtual thread sends a numbered text message at a
 * steady rate, another reads. Each message carries {@code ~client:connection:seq:sentNanos~}, so the
 * client recognises its own message when it comes back (the echo, or the chat room's broadcast, which
 * includes the sender) and measures its round trip. A dropper closes its TCP connection abruptly
 * (SO_LINGER 0: a reset, no close frame) every so often and connects again; the others must stay up.
 */
final class SoakClient {

    private static final Pattern MARK = Pattern.compile("~(\\d+):(\\d+):(\\d+):(\\d+)~");
    private static final byte[] CLOSE_1000 = {0x03, (byte) 0xE8};
    private static final int MAX_RECONNECT_ATTEMPTS = 50;

    final int id;
    final boolean dropper;
    /** This client's own messages sent, and received back on the connection that sent them. */
    final AtomicLong sent = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    /** A connection of a client meant to stay up ended. */
    final AtomicBoolean broken = new AtomicBoolean();

    private final InetSocketAddress address;
    private final String path;
    private final SoakStats stats;
    private final long periodNanos;
    private final long dropEveryNanos;
    private final Object writeLock = new Object();
    private volatile SocketChannel channel;
    private volatile int connection;
    private volatile boolean stopping;
    private long seq;
    private Thread writer;

    SoakClient(int id, boolean dropper, InetSocketAddress address, String path, SoakStats stats, double rate,
            long dropEveryNanos) {
        this.id = id;
        this.dropper = dropper;
        this.address = address;
        this.path = path;
        this.stats = stats;
        this.periodNanos = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
        this.dropEveryNanos = dropEveryNanos;
    }

    /** Opens the first connection; a refused attempt is counted and retried a few times. */
    void connect() throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                open();
                return;
            } catch (IOException e) {
                failed(e);
                last = e;
                pause(TimeUnit.MILLISECONDS.toNanos(100L << attempt));
            }
        }
        throw last;
    }

    /** Starts sending until {@code endNanos} (System.nanoTime) or {@link #stop()}. */
    void start(long endNanos) {
        writer = Thread.ofVirtual().name("soak-writer-" + id).start(() -> send(endNanos));
    }

    /** Stops sending, waits for the writer, and starts the closing handshake (1000). */
    void stop() throws InterruptedException {
        stopping = true;
        if (writer != null) {
            writer.join();
        }
        synchronized (writeLock) {
            SocketChannel ch = channel;
            if (ch != null) {
                try {
                    write(ch, Frames.encode(8, CLOSE_1000, ThreadLocalRandom.current().nextInt()));
                } catch (IOException e) {
                    // already gone: nothing to close
                }
            }
        }
    }

    /** Closes the socket (after {@link #stop()} and the wait for the server's close). */
    void close() {
        SocketChannel ch = channel;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Whether every message this client sent has come back. */
    boolean settled() {
        return received.get() >= sent.get();
    }

    private void send(long endNanos) {
        long now = System.nanoTime();
        long next = now + ThreadLocalRandom.current().nextLong(periodNanos); // spread the clients over a period
        long dropAt = dropper ? now + nextDropDelay() : Long.MAX_VALUE;
        while (!stopping) {
            pause(next - System.nanoTime());
            now = System.nanoTime();
            if (stopping || now >= endNanos) {
                return;
            }
            next += periodNanos;
            if (now >= dropAt) {
                dropAndReconnect();
                dropAt = System.nanoTime() + nextDropDelay();
            }
            sendOne();
        }
    }

    private long nextDropDelay() {
        return dropEveryNanos / 2 + ThreadLocalRandom.current().nextLong(dropEveryNanos);
    }

    private void sendOne() {
        synchronized (writeLock) {
            SocketChannel ch = channel;
            if (ch == null) {
                return;
            }
            String text = "~" + id + ":" + connection + ":" + (seq++) + ":" + System.nanoTime() + "~";
            try {
                write(ch, Frames.encode(Frames.OP_TEXT, text.getBytes(StandardCharsets.US_ASCII),
                        ThreadLocalRandom.current().nextInt()));
                sent.incrementAndGet();
            } catch (IOException e) {
                ended(ch, e);
            }
        }
    }

    /** An abrupt drop: a TCP reset without a close frame, then a new connection after a short pause. */
    private void dropAndReconnect() {
        synchronized (writeLock) {
            SocketChannel ch = channel;
            channel = null;
            if (ch != null) {
                try {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0);
                    ch.close();
                } catch (IOException ignored) {
                    // it is gone either way
                }
                stats.drops.increment();
            }
        }
        // Every drop gets its reconnect, even one the end of the run catches in the pause.
        for (int attempt = 1; ; attempt++) {
            pause(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(10, 250)));
            try {
                open();
                stats.reconnects.increment();
                return;
            } catch (IOException e) {
                failed(e);
                if (attempt == MAX_RECONNECT_ATTEMPTS) {
                    return;
                }
            }
        }
    }

    private void failed(IOException e) {
        stats.failedConnects.increment();
        stats.lastFailure = e.getMessage();
    }

    private void open() throws IOException {
        ByteBuffer[] rest = new ByteBuffer[1];
        SocketChannel ch = ClientHandshake.open(address, path, rest);
        int n;
        synchronized (writeLock) {
            n = ++connection;
            channel = ch;
        }
        Thread.ofVirtual().name("soak-reader-" + id).start(() -> read(ch, n, rest[0]));
    }

    /** Reads frames until the connection ends, starting with what the handshake read past the 101. */
    private void read(SocketChannel ch, int n, ByteBuffer first) {
        FrameReader frames = new FrameReader();
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean[] text = new boolean[1];
        boolean[] fin = new boolean[1];
        FrameReader.Sink sink = new FrameReader.Sink() {
            @Override
            public void frameStart(int opcode, boolean last, long length) {
                if (opcode != 0) {
                    message.reset();
                    text[0] = opcode == Frames.OP_TEXT;
                }
                fin[0] = last;
            }

            @Override
            public void payload(ByteBuffer in, int pos, int len) {
                for (int i = 0; i < len; i++) {
                    message.write(in.get(pos + i));
                }
            }

            @Override
            public void frameEnd() {
                if (fin[0] && text[0]) {
                    arrived(message.toString(StandardCharsets.UTF_8), n);
                }
            }
        };
        try {
            frames.read(first, sink);
            while (true) {
                if (ch.read(buf) < 0) {
                    throw new IOException("the server closed the TCP connection");
                }
                buf.flip();
                frames.read(buf, sink);
                buf.clear();
            }
        } catch (IOException e) {
            ended(ch, e);
        }
    }

    private void arrived(String text, int n) {
        long now = System.nanoTime();
        Matcher m = MARK.matcher(text);
        while (m.find()) {
            if (Integer.parseInt(m.group(1)) != id) {
                stats.othersDelivered.increment();
            } else if (Integer.parseInt(m.group(2)) == n) { // not an old one replayed from chat history
                received.incrementAndGet();
                stats.latency(Long.parseLong(m.group(4)), now);
            }
        }
    }

    /** A connection ended: expected while stopping or after a drop; otherwise the client is broken. */
    private void ended(SocketChannel ch, IOException why) {
        if (stopping || ch != channel) {
            return;
        }
        if (!dropper && broken.compareAndSet(false, true)) {
            stats.unexpectedCloses.increment();
            System.err.println("soak: client " + id + " lost its connection: " + why.getMessage());
        }
    }

    private static void write(SocketChannel ch, ByteBuffer frame) throws IOException {
        while (frame.hasRemaining()) {
            ch.write(frame);
        }
    }

    private static void pause(long nanos) {
        if (nanos > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(nanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
