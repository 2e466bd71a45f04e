package dev.duplex.stream;

import dev.duplex.concurrent.SerialExecutor;
import dev.duplex.DomException;
import dev.duplex.WebSocketStreamWriter;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A {@link WebSocketStreamWriter} over a connection's send methods. At most {@code highWater} bytes
 * are handed to the connection at a time (what it holds is its {@code bufferedAmount}); later writes
 * wait here, in order, up to {@code maxQueued} bytes. A write's future completes once the bytes the
 * connection reports written ({@link #written(long)}, from the transport's {@code onWritten}) have
 * passed the write's end offset (the payload bytes handed over up to and including it): writes leave
 * in order, so that is exact, and the transport never reports bytes it dropped on close.
 *
 * <p>Thread-safe. Futures complete on the writing thread or on a virtual thread, never on the loop.
 */
public final class WriteFlow implements WebSocketStreamWriter {

    /** The connection's send side, as {@code WsChannel} offers it. */
    public interface Sink {
        /** Queues a text message; false once the connection is closing or closed. */
        boolean sendText(String text);

        /** Queues a binary message the connection may keep. */
        boolean sendBinary(ByteBuffer data);

        /** Payload bytes queued and not yet written to the socket. */
        long buffered();
    }

    private final Sink sink;
    private final long highWater;
    private final long maxQueued;
    private final UnaryOperator<String> textRule;
    /** Settles what is ready, off the loop, one run at a time (signals while it runs make one more run). */
    private final Runnable runner = SerialExecutor.virtual("duplex-stream-writes").coalescing(this::settle);

    private final ArrayDeque<Pending> waiting = new ArrayDeque<>(); // guarded by this
    private final ArrayDeque<Sent> sent = new ArrayDeque<>();       // guarded by this
    private long waitingBytes;                                      // guarded by this
    private long handed;                                            // guarded by this
    /** Payload bytes the connection reported written since this writer was made. */
    private final AtomicLong written = new AtomicLong();
    /** Written count at which {@link #settle} has something to do: a write is out or there is room. */
    private volatile long wakeAt = Long.MAX_VALUE;
    private boolean open;          // guarded by this: the connection takes sends
    private boolean shut;          // guarded by this: close() was called or the connection ended
    private boolean ended;         // guarded by this
    private RuntimeException endError; // guarded by this

    /**
     * @param textRule how text is turned into what is sent (the client's USVString conversion, or
     *                 the identity)
     */
    public WriteFlow(Sink sink, long highWater, long maxQueued, UnaryOperator<String> textRule) {
        this.sink = sink;
        this.highWater = highWater;
        this.maxQueued = maxQueued;
        this.textRule = textRule;
    }

    @Override
    public CompletableFuture<Void> write(Object message) {
        Pending p = Pending.of(message, textRule);
        synchronized (this) {
            if (shut) {
                return CompletableFuture.failedFuture(ended && endError != null ? endError : closing());
            }
            if (waitingBytes > 0 && waitingBytes + p.size > maxQueued) {
                return CompletableFuture.failedFuture(new IllegalStateException("write queue full: "
                        + waitingBytes + " bytes wait unsent (limit " + maxQueued
                        + "); wait for earlier writes' futures"));
            }
            waiting.add(p);
            waitingBytes += p.size;
            handOver(false);
        }
        return p.future;
    }

    /** The connection opened: sends may go. */
    public void open() {
        synchronized (this) {
            open = true;
            handOver(false);
        }
    }

    /**
     * {@code close()} was called: everything written so far goes to the connection now (before the
     * close frame, which {@code thenClose} sends), later writes fail.
     */
    public void shut(Runnable thenClose) {
        synchronized (this) {
            if (!shut) {
                shut = true;
                handOver(true);
            }
        }
        thenClose.run();
    }

    /**
     * The connection ended. Writes whose bytes were seen leaving complete; the rest fail with
     * {@code error}, or with InvalidStateError after a clean close.
     */
    public void end(RuntimeException error) {
        synchronized (this) {
            shut = true;
            ended = true;
            endError = error;
        }
        runner.run();
    }

    /** Hands waiting writes to the connection while its backlog is under the high-water mark. */
    private void handOver(boolean all) {
        // Caller holds this.
        if (!open) {
            return;
        }
        while (!waiting.isEmpty() && (all || sink.buffered() < highWater)) {
            Pending p = waiting.poll();
            waitingBytes -= p.size;
            boolean accepted = p.text != null ? sink.sendText(p.text) : sink.sendBinary(p.binary);
            if (!accepted) {
                // Closing or closed meanwhile: the end notification fails what is left.
                waiting.addFirst(p);
                waitingBytes += p.size;
                return;
            }
            handed += p.size;
            sent.add(new Sent(handed, p.future));
        }
        watch();
    }

    /**
     * The connection wrote {@code bytes} more of this writer's payload. On the event loop, right after the
     * write: only counts, and wakes {@link #settle} on a virtual thread when there is something to do.
     */
    public void written(long bytes) {
        if (written.addAndGet(bytes) >= wakeAt) {
            wakeAt = Long.MAX_VALUE;
            runner.run();
        }
    }

    /** Payload bytes the connection has reported written (for tests and diagnostics). */
    public long writtenBytes() {
        return written.get();
    }

    /** Sets when to be woken: the oldest sent write is out, or there is room for a waiting one. */
    private void watch() {
        // Caller holds this.
        long target = Long.MAX_VALUE;
        if (!sent.isEmpty()) {
            target = sent.peekFirst().end;
        }
        if (!waiting.isEmpty()) {
            target = Math.min(target, handed - highWater + 1); // the backlog under the high-water mark
        }
        wakeAt = target;
        if (written.get() >= target) { // reached before wakeAt was set: do not miss it
            wakeAt = Long.MAX_VALUE;
            runner.run();
        }
    }

    /** Completes the writes that are out, hands over more, and fails the rest once ended. */
    private void settle() {
        List<CompletableFuture<Void>> done = new ArrayList<>();
        List<CompletableFuture<Void>> failed = new ArrayList<>();
        RuntimeException error;
        synchronized (this) {
            long w = written.get();
            while (!sent.isEmpty() && sent.peekFirst().end <= w) {
                done.add(sent.poll().future);
            }
            if (ended) {
                sent.forEach(s -> failed.add(s.future));
                waiting.forEach(p -> failed.add(p.future));
                sent.clear();
                waiting.clear();
                waitingBytes = 0;
            } else {
                handOver(shut);
            }
            error = endError != null ? endError : closing();
        }
        done.forEach(f -> f.complete(null));
        failed.forEach(f -> f.completeExceptionally(error));
    }

    private static DomException closing() {
        return new DomException("The WebSocket is closing or closed.", DomException.INVALID_STATE_ERROR);
    }

    /** A write not yet handed to the connection; the payload is the caller's data, copied. */
    private record Pending(String text, ByteBuffer binary, long size, CompletableFuture<Void> future) {

        static Pending of(Object message, UnaryOperator<String> textRule) {
            Objects.requireNonNull(message, "message");
            CompletableFuture<Void> f = new CompletableFuture<>();
            if (message instanceof String s) {
                String t = textRule.apply(s);
                return new Pending(t, null, utf8Length(t), f);
            }
            byte[] copy;
            if (message instanceof ByteBuffer b) {
                copy = new byte[b.remaining()];
                b.duplicate().get(copy); // the caller's position is left alone, as WebSocket.send does
            } else if (message instanceof byte[] a) {
                copy = a.clone();
            } else {
                throw new IllegalArgumentException("a message is a String, a ByteBuffer or a byte[], not "
                        + message.getClass().getName());
            }
            return new Pending(null, ByteBuffer.wrap(copy), copy.length, f);
        }
    }

    private record Sent(long end, CompletableFuture<Void> future) {
    }

    /**
     * The UTF-8 length the connection counts into {@code bufferedAmount} for {@code s}: a lone
     * surrogate counts one byte, as the encoder writes {@code '?'} (the client's text rule has already
     * replaced them with U+FFFD).
     */
    static long utf8Length(String s) {
        long n = 0;
        int len = s.length();
        for (int i = 0; i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += Character.isSurrogate(c) ? 1 : 3;
            }
        }
        return n;
    }
}
