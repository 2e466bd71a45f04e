package dev.duplex.transport;

import java.io.IOException;

/**
 * Why a client connection never opened: the step that failed and, as the cause, the underlying
 * I/O, TLS or handshake error. Delivered as the cause of a {@code Closed(1006)} event.
 */
public final class ConnectException extends IOException {

    /** The step of the connection attempt that failed. */
    public enum Step { RESOLVE, CONNECT, PROXY, TLS, HANDSHAKE, TIMEOUT, ABORTED }

    private final Step step;

    public ConnectException(Step step, String message, Throwable cause) {
        super(message, cause);
        this.step = step;
    }

    public Step step() {
        return step;
    }
}
