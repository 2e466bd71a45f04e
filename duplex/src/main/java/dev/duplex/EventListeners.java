package dev.duplex;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * Thread-safe: listeners may be added and removed from any thread while events are dispatched.
 */
final class EventListeners {

    private static final System.Logger LOG = System.getLogger(WebSocket.class.getName());

    private static final class Entry {
        final String type;
        final EventListener<?> callback; // null for an event handler listener
        volatile boolean removed;

        Entry(String type, EventListener<?> callback) {
            this.type = type;
            this.callback = callback;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, EventListener<?>> handlerValues = new HashMap<>();
    private final Map<String, Entry> handlerEntries = new HashMap<>();

    synchronized void add(String type, EventListener<?> callback) {
        if (type == null || callback == null) {
            return; // DOM: a null callback is ignored
        }
        for (Entry e : entries) {
            if (e.callback == callback && e.type.equals(type)) {
                return;
            }
        }
        entries.add(new Entry(type, callback));
    }

    synchronized void remove(String type, EventListener<?> callback) {
        if (type == null || callback == null) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e.callback == callback && e.type.equals(type)) {
                e.removed = true;
                entries.remove(i);
                return;
            }
        }
    }

    synchronized void setHandler(String type, EventListener<?> value) {
        if (value == null) {
            handlerValues.remove(type);
            Entry e = handlerEntries.remove(type);
            if (e != null) {
                e.removed = true;
                entries.remove(e);
            }
            return;
        }
        handlerValues.put(type, value);
        if (!handlerEntries.containsKey(type)) {
            Entry e = new Entry(type, null);
            handlerEntries.put(type, e);
            entries.add(e);
        }
    }

    synchronized EventListener<?> handler(String type) {
        return handlerValues.get(type);
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
        List<Entry> snapshot = new ArrayList<>();
        synchronized (this) {
            for (Entry e : entries) {
                if (e.type.equals(type)) {
                    snapshot.add(e);
                }
            }
        }
        event.beginDispatch(target, byUserAgent);
        try {
            for (Entry e : snapshot) {
                if (e.removed) {
                    continue;
                }
                EventListener listener = e.callback != null ? e.callback : handler(type);
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
