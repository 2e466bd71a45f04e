package dev.duplex;

import java.util.Objects;

/**
 * A DOM event as {@link WebSocket} fires it (DOM §interface-event): {@code open}, and the base of
 * {@link MessageEvent}, {@link ErrorEvent} and {@link CloseEvent}. WebSocket events do not bubble and
 * cannot be cancelled; while a listener runs, {@link #target()} and {@link #currentTarget()} are the
 * socket and {@link #eventPhase()} is {@link #AT_TARGET}.
 */
public class Event {

    public static final int NONE = 0;
    public static final int CAPTURING_PHASE = 1;
    public static final int AT_TARGET = 2;
    public static final int BUBBLING_PHASE = 3;

    private final String type;
    private final long timeStamp = System.currentTimeMillis();
    private volatile WebSocket target;
    private volatile boolean dispatching;
    private volatile boolean trusted;
    private volatile boolean stopImmediate;

    /** An event of the given type, as script would create it ({@code new Event("open")}). */
    public Event(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    /** The event type: {@code "open"}, {@code "message"}, {@code "error"} or {@code "close"}. */
    public final String type() {
        return type;
    }

    /** The socket the event was fired at, or null for an event never dispatched. */
    public final WebSocket target() {
        return target;
    }

    /** The socket whose listener is running, or null outside dispatch. */
    public final WebSocket currentTarget() {
        return dispatching ? target : null;
    }

    /** {@link #AT_TARGET} while a listener runs, {@link #NONE} otherwise. */
    public final int eventPhase() {
        return dispatching ? AT_TARGET : NONE;
    }

    /** Always false: WebSocket events do not bubble. */
    public final boolean bubbles() {
        return false;
    }

    /** Always false: WebSocket events cannot be cancelled. */
    public final boolean cancelable() {
        return false;
    }

    /** Always false, since the event is not cancelable. */
    public final boolean defaultPrevented() {
        return false;
    }

    /** Does nothing: the event is not cancelable (DOM §dom-event-preventdefault). */
    public final void preventDefault() {
    }

    /** Does nothing observable: the target has no ancestors to propagate to. */
    public final void stopPropagation() {
    }

    /** Listeners after the current one are not called for this event (DOM §dom-event-stopimmediatepropagation). */
    public final void stopImmediatePropagation() {
        stopImmediate = true;
    }

    /** True when the socket fired the event, false for an event user code created. */
    public final boolean isTrusted() {
        return trusted;
    }

    /** When the event was created, in milliseconds since the epoch. */
    public final long timeStamp() {
        return timeStamp;
    }

    final void beginDispatch(WebSocket socket, boolean byUserAgent) {
        target = socket;
        trusted = byUserAgent;
        stopImmediate = false;
        dispatching = true;
    }

    final void endDispatch() {
        dispatching = false;
    }

    final boolean immediatePropagationStopped() {
        return stopImmediate;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[type=" + type + "]";
    }
}
