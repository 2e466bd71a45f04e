package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * A part whose bytes are lent, not owned: {@link #data()} is a read-only view of the buffer the
 * connection was fed (unmasked in place), <b>valid only until the next {@link Connection#receive}</b>
 * of this connection — or, when the view is a window of a {@link BufferPool}'s source, of any
 * connection sharing the pool, and then this object and its view are the pool's, reused for the
 * next part of the same kind (so neither is a value: never keep them). This is what lets an event loop relay a
 * 16 MiB message part by part, and echo, without copying or allocating. Handle the part in the one
 * callback it is handed to; {@link #keep()} copies it for later, and passing it to
 * {@link Connection#sendPart} (which copies) is always safe.
 */
public final class LentPart implements ProtocolEvent.MessagePart {

    private final ByteBuffer data;
    private final BufferPool pool;
    private final boolean text;
    private final boolean first;
    private final boolean last;

    /** A part lent from {@code data}; {@code pool} when it is the pool's reused one, else null. */
    LentPart(boolean text, ByteBuffer data, boolean first, boolean last, BufferPool pool) {
        this.data = data;
        this.pool = pool;
        this.text = text;
        this.first = first;
        this.last = last;
    }

    @Override
    public boolean text() {
        return text;
    }

    @Override
    public ByteBuffer data() {
        return data;
    }

    @Override
    public boolean first() {
        return first;
    }

    @Override
    public boolean last() {
        return last;
    }

    /** Whether this is {@code pool}'s reused part (a window on its source). */
    public boolean lentBy(BufferPool pool) {
        return pool != null && this.pool == pool;
    }

    /** A {@link ProtocolEvent.Part} with a heap copy of the bytes (read-only), valid for good. */
    @Override
    public ProtocolEvent.Part keep() {
        ByteBuffer src = data.duplicate();
        ByteBuffer copy = ByteBuffer.allocate(src.remaining()).put(src).flip();
        return new ProtocolEvent.Part(text, copy.asReadOnlyBuffer(), first, last);
    }

    @Override
    public String toString() {
        return "LentPart[text=" + text + ", bytes=" + data.remaining() + ", first=" + first + ", last=" + last + "]";
    }
}
