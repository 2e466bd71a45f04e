package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * Buffers that the {@link Connection}s of one thread reuse instead of allocating some for every
 * message: the small frames they send (headers, and whole frames up to 8 KiB), and the views of
 * their input that they lend as {@link ProtocolEvent.MessagePart}s. An I/O layer makes one per
 * thread (per event loop) and gives it to every connection it runs there; a connection made
 * without one allocates as before. Nothing is made until it is first needed, and an idle
 * connection holds none of it.
 *
 * <p>What the pool hands out, and when it comes back:
 * <ul>
 *   <li>A buffer that {@link Connection#pollOutbound()} returns may be the pool's. The I/O layer
 *       gives every buffer it polled back with {@link #recycle} once it was written whole (or
 *       dropped), and does not touch it afterwards; {@code recycle} ignores buffers that are not
 *       the pool's. A pool buffer that is never given back is only lost to the pool, which then
 *       allocates.</li>
 *   <li>A part lent from the pool's {@linkplain #source() source} (the I/O layer's read buffer) is
 *       always the same event and view objects, set anew for each part: they are valid until the
 *       next {@link Connection#receive} of <em>any</em> connection that shares the pool (the core
 *       already says "until the next receive"; the I/O layer handles each part before it reads
 *       on). The view's bytes are its remaining ones, from its position, which is not 0: it is a
 *       read-only window on the source. Parts lent from any other buffer are slices of it, as
 *       without a pool.</li>
 * </ul>
 *
 * <p>Bounded: at most 168 frames are kept (about 150 KiB, most of it made only under load) and 64 views;
 * past that, frames are allocated as without a pool.
 *
 * <p>Not thread-safe: confined to one thread, like the connections that use it.
 */
public final class BufferPool {

    /** Capacities of the frames kept, by size class, and how many of each are kept at most. */
    private static final int[] CAPACITY = {16, 256, 2 * 1024, 8 * 1024 + 16};
    private static final int[] KEPT = {64, 64, 32, 8};
    /** Read-only windows on the source kept at most (queued large parts of one batch). */
    private static final int VIEWS_KEPT = 64;
    /** Slots of the identity table of everything the pool made: a power of two, at least twice the total kept. */
    private static final int TABLE = 512;

    private final ByteBuffer source;
    private final FrameEncoder serverEncoder;

    /** Free frames per size class, and free windows: stacks, made by the first use. */
    private final ByteBuffer[][] freeFrames = new ByteBuffer[CAPACITY.length][];
    private final int[] freeFrameCount = new int[CAPACITY.length];
    private final int[] madeFrames = new int[CAPACITY.length];
    private ByteBuffer[] freeViews;
    private int freeViewCount;
    private int madeViews;
    /** Every buffer the pool made (open addressing by identity hash), so recycle knows its own. */
    private Object[] made;

    /** The view and the events lent for parts of the source, made by the first such part. */
    private ByteBuffer lentView;
    private LentPart[] lentParts;

    /**
     * @param source the buffer the I/O layer reads into and feeds to {@link Connection#receive}
     *               (writable and direct for parts to be lent); may be null when there is none
     */
    public BufferPool(ByteBuffer source) {
        this.source = source;
        this.serverEncoder = new FrameEncoder(Role.SERVER, null, this);
    }

    /** The buffer whose parts are lent as the pool's windows, or null. */
    public ByteBuffer source() {
        return source;
    }

    /** Whether {@code part} is one of the pool's reused part events (lent from its source). */
    public boolean lends(ProtocolEvent.MessagePart part) {
        return part instanceof LentPart l && l.lentBy(this);
    }

    /**
     * Gives back a buffer that {@link Connection#pollOutbound()} returned, once written whole or
     * dropped; it must not be used afterwards. Buffers the pool did not make are ignored.
     */
    public void recycle(ByteBuffer b) {
        if (b == null || made == null || !isMine(b)) {
            return;
        }
        if (b.isDirect()) {
            if (freeViewCount < VIEWS_KEPT) {
                freeViews[freeViewCount++] = b;
            }
            return;
        }
        int c = classOfCapacity(b.capacity());
        if (c >= 0 && freeFrameCount[c] < KEPT[c]) {
            freeFrames[c][freeFrameCount[c]++] = b;
        }
    }

    /** Buffers the pool made that are out (handed out and not given back): for tests and leak checks. */
    public int outstanding() {
        int n = madeViews - freeViewCount;
        for (int c = 0; c < CAPACITY.length; c++) {
            n += madeFrames[c] - freeFrameCount[c];
        }
        return n;
    }

    FrameEncoder encoder(Role role, MaskSource masks) {
        return role == Role.SERVER ? serverEncoder : new FrameEncoder(role, masks, this);
    }

    /** A writable heap buffer backed by an array from index 0, position 0, limit {@code size}. */
    ByteBuffer frame(int size) {
        int c = classOfSize(size);
        if (c < 0) {
            return ByteBuffer.wrap(new byte[size]);
        }
        ByteBuffer b;
        if (freeFrameCount[c] > 0) {
            b = freeFrames[c][--freeFrameCount[c]];
            freeFrames[c][freeFrameCount[c]] = null;
        } else if (madeFrames[c] < KEPT[c]) {
            if (freeFrames[c] == null) {
                freeFrames[c] = new ByteBuffer[KEPT[c]];
            }
            b = ByteBuffer.wrap(new byte[CAPACITY[c]]);
            register(b);
            madeFrames[c]++;
        } else {
            return ByteBuffer.wrap(new byte[size]);
        }
        b.clear().limit(size);
        return b;
    }

    /** Whether {@code data} is a window on the source that the pool lent or made. */
    boolean isWindow(ByteBuffer data) {
        return data == lentView || (data.isDirect() && made != null && isMine(data));
    }

    /** A read-only window on the source's bytes {@code [pos, pos + len)}, its own until recycled. */
    ByteBuffer window(int pos, int len) {
        ByteBuffer v;
        if (freeViewCount > 0) {
            v = freeViews[--freeViewCount];
            freeViews[freeViewCount] = null;
        } else if (madeViews < VIEWS_KEPT) {
            if (freeViews == null) {
                freeViews = new ByteBuffer[VIEWS_KEPT];
            }
            v = source.asReadOnlyBuffer();
            register(v);
            madeViews++;
        } else {
            return source.slice(pos, len).asReadOnlyBuffer();
        }
        return v.limit(pos + len).position(pos);
    }

    /**
     * The event for a part lent from the source's bytes {@code [pos, pos + len)}: the same view and
     * the same event objects every time, valid until the next part is lent.
     */
    LentPart lend(int pos, int len, boolean text, boolean first, boolean last) {
        if (lentView == null) {
            lentView = source.asReadOnlyBuffer();
            lentParts = new LentPart[8];
        }
        lentView.limit(pos + len).position(pos);
        int i = (text ? 4 : 0) | (first ? 2 : 0) | (last ? 1 : 0);
        LentPart p = lentParts[i];
        if (p == null) {
            lentParts[i] = p = new LentPart(text, lentView, first, last, this);
        }
        return p;
    }

    private static int classOfSize(int size) {
        for (int c = 0; c < CAPACITY.length; c++) {
            if (size <= CAPACITY[c]) {
                return c;
            }
        }
        return -1;
    }

    private static int classOfCapacity(int capacity) {
        for (int c = 0; c < CAPACITY.length; c++) {
            if (capacity == CAPACITY[c]) {
                return c;
            }
        }
        return -1;
    }

    private void register(Object b) {
        if (made == null) {
            made = new Object[TABLE];
        }
        int i = System.identityHashCode(b) & (TABLE - 1);
        while (made[i] != null) {
            i = (i + 1) & (TABLE - 1);
        }
        made[i] = b;
    }

    private boolean isMine(Object b) {
        int i = System.identityHashCode(b) & (TABLE - 1);
        Object o;
        while ((o = made[i]) != null) {
            if (o == b) {
                return true;
            }
            i = (i + 1) & (TABLE - 1);
        }
        return false;
    }
}
