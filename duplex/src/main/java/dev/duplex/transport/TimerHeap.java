package dev.duplex.transport;

import java.util.Arrays;

/**
 * An event loop's timers: a binary min-heap by deadline, then scheduling order. Each timer knows its
 * slot, so {@link Timer#cancel()} takes it out at once (O(log n)) instead of leaving it, and what its
 * task refers to (a whole connection), reachable until the deadline: a server cancels a handshake
 * timer for every connection it opens.
 *
 * <p>Not thread-safe: confined to its loop.
 */
final class TimerHeap {

    private Timer[] heap = new Timer[16];
    private int size;

    int size() {
        return size;
    }

    /** Adds {@code t} unless it was cancelled already. */
    void add(Timer t) {
        if (t.cancelled) {
            return;
        }
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        t.heap = this;
        siftUp(size++, t);
    }

    /** The earliest timer, or null. */
    Timer peek() {
        return size == 0 ? null : heap[0];
    }

    /** Removes and returns the earliest timer, or null. */
    Timer poll() {
        if (size == 0) {
            return null;
        }
        Timer t = heap[0];
        removeAt(0);
        return t;
    }

    /** Takes {@code t} out if it is in this heap. */
    void remove(Timer t) {
        int i = t.index;
        if (t.heap == this && i < size && heap[i] == t) {
            removeAt(i);
        }
    }

    private void removeAt(int i) {
        Timer gone = heap[i];
        gone.heap = null;
        gone.index = -1;
        int last = --size;
        Timer moved = heap[last];
        heap[last] = null;
        if (i == last) {
            return;
        }
        siftDown(i, moved);
        if (heap[i] == moved) {
            siftUp(i, moved);
        }
        if (size == 0 && heap.length > 1024) {
            heap = new Timer[16]; // a burst is over: give the large array back
        }
    }

    private void siftUp(int i, Timer t) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Timer p = heap[parent];
            if (!earlier(t, p)) {
                break;
            }
            place(i, p);
            i = parent;
        }
        place(i, t);
    }

    private void siftDown(int i, Timer t) {
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Timer c = heap[child];
            int right = child + 1;
            if (right < size && earlier(heap[right], c)) {
                child = right;
                c = heap[child];
            }
            if (!earlier(c, t)) {
                break;
            }
            place(i, c);
            i = child;
        }
        place(i, t);
    }

    private void place(int i, Timer t) {
        heap[i] = t;
        t.index = i;
    }

    private static boolean earlier(Timer a, Timer b) {
        return a.deadline != b.deadline ? a.deadline - b.deadline < 0 : a.seq < b.seq;
    }
}
