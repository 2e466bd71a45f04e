package dev.duplex;

/**
 * The {@code close} event (WHATWG WebSockets §the-closeevent-interface): fired exactly once per socket,
 * last — by the client {@link WebSocket} and, with the same fields, by a server socket
 * ({@code WebSocketHandler.onClose}, {@code ServerWebSocket.onclose}; its {@link #target()} is null). {@link #code()} is 1006 for every failure to connect or abnormal end, 1005 when the peer's close
 * frame carried no code; {@link #wasClean()} is true only when both close frames were exchanged and
 * TCP then closed.
 */
public final class CloseEvent extends Event {

    private final boolean wasClean;
    private final int code;
    private final String reason;
    private final Throwable cause;

    /** With the IDL defaults of {@code CloseEventInit}: not clean, code 0, empty reason. */
    public CloseEvent(String type) {
        this(type, false, 0, "", null);
    }

    public CloseEvent(String type, boolean wasClean, int code, String reason) {
        this(type, wasClean, code, reason, null);
    }

    /** As {@link #CloseEvent(String, boolean, int, String)}, with what failed the connection (non-standard). */
    public CloseEvent(String type, boolean wasClean, int code, String reason, Throwable cause) {
        super(type);
        this.wasClean = wasClean;
        this.code = code;
        this.reason = reason == null ? "" : reason;
        this.cause = cause;
    }

    /** Whether the closing handshake completed. */
    public boolean wasClean() {
        return wasClean;
    }

    /** The close code: the peer's, 1005 (none given) or 1006 (abnormal). */
    public int code() {
        return code;
    }

    /** The peer's close reason, decoded as UTF-8, or {@code ""}. */
    public String reason() {
        return reason;
    }

    /** Non-standard: what failed the connection when the code is 1006, or null. */
    public Throwable cause() {
        return cause;
    }

    @Override
    public String toString() {
        return "CloseEvent[code=" + code + ", reason=" + reason + ", wasClean=" + wasClean + "]";
    }
}
