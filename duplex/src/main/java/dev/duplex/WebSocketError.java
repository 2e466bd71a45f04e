package dev.duplex;

/**
 * Why a {@link WebSocketStream} ended uncleanly, as the browser's {@code WebSocketError}: it fails
 * {@link WebSocketStream#opened()} and {@link WebSocketStream#closed()}, is thrown by
 * {@link WebSocketStreamReader#read()} and signalled to a {@code readable()} subscriber's
 * {@code onError}. {@link #closeCode()} is 1006 for every failure, as a browser reports it; the
 * non-standard {@link #getCause()} says what happened (refused, TLS, handshake, protocol error, …).
 */
public final class WebSocketError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int closeCode;
    private final String reason;

    public WebSocketError(String message, int closeCode, String reason, Throwable cause) {
        super(message, cause);
        this.closeCode = closeCode;
        this.reason = reason == null ? "" : reason;
    }

    /** The close code the stream reports: 1006 for a failed connection. */
    public int closeCode() {
        return closeCode;
    }

    /** The close reason ("" for a failed connection). */
    public String reason() {
        return reason;
    }
}
