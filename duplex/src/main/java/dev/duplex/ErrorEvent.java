package dev.duplex;

/**
 * The {@code error} event. The standard fires a plain {@link Event} that says nothing about what went
 * wrong (WHATWG WebSockets §closeWebSocket); Duplex adds {@link #cause()}, a non-standard getter, for
 * logs and diagnostics. It is always followed by a {@link CloseEvent} with code 1006.
 */
public final class ErrorEvent extends Event {

    private final Throwable cause;

    public ErrorEvent(Throwable cause) {
        super("error");
        this.cause = cause;
    }

    /** Non-standard: why the connection failed (I/O error, TLS error, bad handshake, …), or null. */
    public Throwable cause() {
        return cause;
    }
}
