package dev.duplex.protocol;

import java.util.Collection;
import java.util.Objects;

/**
 * A first-in, first-out queue whose array is made by the first {@link #add}: a server holds one
 * {@link Connection}, with two of these, per open socket, and an idle socket may never queue
 * anything. Once made, the array is kept (and doubles when full), as {@code ArrayDeque}'s is.
 *
 * <p>Not thread-safe: confined to its connection's thread.
 */
final class Fifo<T> {

    /** Null until the first add; then a power of two long. */
    private Object[] items;
    private int head;
    private int size;

    void add(T item) {
        Objects.requireNonNull(item);
        if (items == null) {
            items = new Object[2];
        } else if (size == items.length) {
            grow();
        }
        items[(head + size) & (items.length - 1)] = item;
        size++;
    }

    void addAll(Collection<? extends T> all) {
        for (T item : all) {
            add(item);
        }
    }

    /** The oldest item, removed, or null when empty. */
    @SuppressWarnings("unchecked")
    T poll() {
        if (size == 0) {
            return null;
        }
        T item = (T) items[head];
        items[head] = null;
        head = (head + 1) & (items.length - 1);
        size--;
        return item;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Length of the array, 0 before the first add (for tests). */
    int capacity() {
        return items == null ? 0 : items.length;
    }

    private void grow() {
        Object[] bigger = new Object[items.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = items[(head + i) & (items.length - 1)];
        }
        items = bigger;
        head = 0;
    }
}
