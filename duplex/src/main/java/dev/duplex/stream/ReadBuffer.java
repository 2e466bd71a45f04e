package dev.duplex.stream;

import dev.duplex.WebSocketError;
import dev.duplex.WebSocketStreamReader;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages received and not yet read, bounded by a number of messages and of bytes: once either
 * is reached the network is paused ({@link ReadControl#pause()}), and it is resumed when the reader has
 * taken the buffer down to half of both. What arrives meanwhile is only what the read in progress
 * held, so memory stays bounded whatever the peer sends.
 *
 * <p>Once the closing handshake has started ({@link #stopPausing()}), reading must go on for the peer's
 * close frame to arrive: from then on a message that finds the buffer full is dropped.
 *
 * <p>Thread-safe: one producer (the transport) and any consumer ({@link #read()} or one
 * {@link #publisher}); the first of those to {@link #claim} wins.
 */
public final class ReadBuffer implements WebSocketStreamReader {

    private final int maxMessages;
    private final long maxBytes;
    private final ReadControl control;
    private final AtomicBoolean claimed = new AtomicBoolean();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Object> messages = new ArrayDeque<>();
    private long bytes;            // guarded by lock
    private boolean paused;        // guarded by lock
    private boolean noPausing;     // guarded by lock
    private boolean ended;         // guarded by lock
    private WebSocketError error;  // guarded by lock
    private long dropped;          // guarded by lock
    private volatile Runnable onChange;

    public ReadBuffer(int maxMessages, long maxBytes, ReadControl control) {
        if (maxMessages < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("the read buffer needs room for at least one message and byte");
        }
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.control = control;
    }

    /**
     * Takes the buffer for one consumer, as a browser locks a stream to one reader.
     *
     * @throws IllegalStateException when a reader or subscriber already has it
     */
    public void claim() {
        if (!claimed.compareAndSet(false, true)) {
            throw new IllegalStateException("the readable side already has a consumer (reader() or readable())");
        }
    }

    /** A publisher over this buffer; its {@code subscribe} claims it. {@code onCancel} runs on cancel. */
    public Flow.Publisher<Object> publisher(Runnable onCancel) {
        return new MessagePublisher(this, onCancel);
    }

    // --- producer: the transport, in order

    /** A message: a {@code String} or a read-only {@code ByteBuffer}. */
    public void offer(Object message) {
        long size = sizeOf(message);
        lock.lock();
        try {
            if (ended) {
                return;
            }
            if (noPausing && isFull()) {
                dropped++;
                return;
            }
            messages.add(message);
            bytes += size;
            if (!paused && !noPausing && isFull()) {
                paused = true;
                control.pause();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        notifyChange();
    }

    /** The connection ended: cleanly ({@code error} null: what is buffered can still be read) or not. */
    public void end(WebSocketError error) {
        lock.lock();
        try {
            if (ended) {
                return;
            }
            ended = true;
            this.error = error;
            if (error != null) {
                messages.clear(); // a browser errors the stream: what was queued is gone
                bytes = 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        notifyChange();
    }

    /** The closing handshake started: read on (for the close frame), dropping what does not fit. */
    public void stopPausing() {
        lock.lock();
        try {
            noPausing = true;
            if (paused) {
                paused = false;
                control.resume();
            }
        } finally {
            lock.unlock();
        }
    }

    // --- consumer

    @Override
    public Object read() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (true) {
                if (error != null) {
                    throw error;
                }
                Object m = take();
                if (m != null || ended) {
                    return m;
                }
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next message, or null when none is buffered now. */
    Object poll() {
        lock.lock();
        try {
            return error != null ? null : take();
        } finally {
            lock.unlock();
        }
    }

    /** Whether nothing more will come: ended and (for a clean end) emptied. */
    boolean finished() {
        lock.lock();
        try {
            return ended && messages.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** The unclean end's error, or null. */
    WebSocketError error() {
        lock.lock();
        try {
            return error;
        } finally {
            lock.unlock();
        }
    }

    /** Whether reading is paused now (the buffer filled up and has not been read down to half). */
    public boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    /** Messages dropped because they arrived after the closing handshake started, with the buffer full. */
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    void onChange(Runnable r) {
        onChange = r;
    }

    private Object take() {
        Object m = messages.poll();
        if (m != null) {
            bytes -= sizeOf(m);
            if (paused && messages.size() <= maxMessages / 2 && bytes <= maxBytes / 2) {
                paused = false;
                control.resume();
            }
        }
        return m;
    }

    private boolean isFull() {
        return messages.size() >= maxMessages || bytes >= maxBytes;
    }

    private void notifyChange() {
        Runnable r = onChange;
        if (r != null) {
            r.run();
        }
    }

    /** Bytes a message counts for: binary its length, text one per {@code char} (a cheap estimate). */
    private static long sizeOf(Object message) {
        return message instanceof ByteBuffer b ? b.remaining() : ((String) message).length();
    }
}
