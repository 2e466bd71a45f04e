package dev.duplex;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A socket's event listener list (DOM §concept-event-listener) together with its event handler
 * attributes ({@code onopen} …, HTML §event-handler-attributes).
 *
 * <ul>
 *   <li>Listeners are called in the order they were added; adding the same (type, callback) twice is
 *       ignored (DOM §add-an-event-listener).</li>
 *   <li>Setting {@code onX} to a non-null value the first time appends one "event handler listener";
 *       later non-null values replace the callback but keep that place in the list; setting null
 *       removes it, so the next non-null value goes to the end (HTML §activate-an-event-handler,
 *       §deactivate-an-event-handler).</li>
 *   <li>Dispatch walks a snapshot taken when it starts: a listener added meanwhile is not called for
 *       this event, one removed meanwhile is skipped (DOM §concept-event-listener-inner-invoke).</li>
 * </ul>
 * Thread-safe: listeners may be added and removed from any thread while events are dispatched. The
 * list is copied on each change, so a dispatch reads it without a lock or a copy of its own.
 */
final class EventListeners {

    private static final System.Logger LOG = System.getLogger(WebSocket.class.getName());

    private static final class Entry {
        final String type;
        final EventListener<?> callback; // null for an event handler listener
        /** An event handler listener's current value (the handler attribute's). */
        volatile EventListener<?> value;
        volatile boolean removed;

        Entry(String type, EventListener<?> callback) {
            this.type = type;
            this.callback = callback;
        }
    }

    private static final Entry[] NONE = {};

    /** In order; replaced, never changed, so a dispatch can walk it as it was when it started. */
    private volatile Entry[] entries = NONE;
    private final Map<String, Entry> handlerEntries = new HashMap<>();

    private void append(Entry e) {
        Entry[] now = entries;
        Entry[] next = Arrays.copyOf(now, now.length + 1);
        next[now.length] = e;
        entries = next;
    }

    private void drop(Entry e) {
        Entry[] now = entries;
        for (int i = 0; i < now.length; i++) {
            if (now[i] == e) {
                Entry[] next = new Entry[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, now.length - i - 1);
                entries = next;
                return;
            }
        }
    }

    synchronized void add(String type, EventListener<?> callback) {
        if (type == null || callback == null) {
            return; // DOM: a null callback is ignored
        }
        for (Entry e : entries) {
            if (e.callback == callback && e.type.equals(type)) {
                return;
            }
        }
        append(new Entry(type, callback));
    }

    synchronized void remove(String type, EventListener<?> callback) {
        if (type == null || callback == null) {
            return;
        }
        for (Entry e : entries) {
            if (e.callback == callback && e.type.equals(type)) {
                e.removed = true;
                drop(e);
                return;
            }
        }
    }

    synchronized void setHandler(String type, EventListener<?> value) {
        if (value == null) {
            Entry e = handlerEntries.remove(type);
            if (e != null) {
                e.removed = true;
                drop(e);
            }
            return;
        }
        Entry e = handlerEntries.get(type);
        if (e == null) {
            e = new Entry(type, null);
            e.value = value;
            handlerEntries.put(type, e);
            append(e);
        } else {
            e.value = value;
        }
    }

    synchronized EventListener<?> handler(String type) {
        Entry e = handlerEntries.get(type);
        return e == null ? null : e.value;
    }

    /** Whether anything listens for {@code type}. */
    synchronized boolean has(String type) {
        for (Entry e : entries) {
            if (e.type.equals(type)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Calls every listener for {@code event.type()} in order. A listener that throws is reported (as a
     * browser reports the exception) and the next one still runs.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void dispatch(WebSocket target, Event event, boolean byUserAgent) {
        String type = event.type();
        Entry[] snapshot = entries;
        event.beginDispatch(target, byUserAgent);
        try {
            for (Entry e : snapshot) {
                if (e.removed || !e.type.equals(type)) {
                    continue;
                }
                EventListener listener = e.callback != null ? e.callback : e.value;
                if (listener == null) {
                    continue;
                }
                try {
                    listener.handleEvent(event);
                } catch (Throwable t) {
                    if (t instanceof VirtualMachineError vme) {
                        throw vme;
                    }
                    LOG.log(System.Logger.Level.WARNING, "a WebSocket " + type + " listener threw", t);
                }
                if (event.immediatePropagationStopped()) {
                    break;
                }
            }
        } finally {
            event.endDispatch();
        }
    }
}
