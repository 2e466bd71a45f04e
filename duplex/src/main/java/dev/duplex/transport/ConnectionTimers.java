package dev.duplex.transport;

import java.util.concurrent.TimeoutException;

/**
 * The timers of one connection and what each does when it fires: the opening handshake's timeout
 * (restarted for each request of a kept-alive HTTP connection), the closing handshake's (RFC 6455
 * 7.1.1: the peer did not finish it in time) and the keep-alive's ({@link KeepAlive}). It exists
 * only while one of them runs, so an open connection without keep-alive holds none. Loop thread
 * only.
 */
final class ConnectionTimers {

    private final SocketConnection connection;
    private Timer handshake;
    private Timer close;
    private KeepAlive keepAlive;

    ConnectionTimers(SocketConnection connection) {
        this.connection = connection;
    }

    /** (Re)starts the opening handshake's timeout: a full one, also for a kept-alive connection's next request. */
    void startHandshake() {
        if (handshake != null) {
            handshake.cancel();
        }
        ConnectionConfig config = connection.config;
        handshake = connection.loop.schedule(this::onHandshakeTimeout, config.nanos(config.handshakeTimeout()));
    }

    /** The WebSocket is open: the handshake's timeout stops, the keep-alive's starts (if configured). */
    void opened() {
        if (handshake != null) {
            handshake.cancel();
            handshake = null;
        }
        keepAlive = KeepAlive.start(connection.loop, connection, connection.config);
    }

    /** Whether any timer still runs (when none does, the connection lets this go). */
    boolean running() {
        return handshake != null || close != null || keepAlive != null;
    }

    /** The core expects the peer's close: the closing handshake's timeout starts, if it has not. */
    void closeExpected() {
        if (close == null) {
            ConnectionConfig config = connection.config;
            close = connection.loop.schedule(this::onCloseTimeout, config.nanos(config.closeTimeout()));
        }
    }

    /** Bytes arrived: the keep-alive counts from now. */
    void onRead() {
        if (keepAlive != null) {
            keepAlive.onRead();
        }
    }

    void cancel() {
        for (Timer t : new Timer[] {handshake, close}) {
            if (t != null) {
                t.cancel();
            }
        }
        if (keepAlive != null) {
            keepAlive.cancel();
        }
    }

    private void onHandshakeTimeout() {
        handshake = null;
        if (connection.phase != CorePump.Phase.OPEN) {
            connection.failConnect(ConnectException.Step.TIMEOUT, "opening handshake timed out", new TimeoutException());
        }
    }

    private void onCloseTimeout() {
        close = null;
        if (connection.phase != CorePump.Phase.CLOSED) {
            // RFC 6455 7.1.1: the peer did not finish the closing handshake in time: drop TCP.
            connection.failOpen(new TimeoutException("closing handshake timed out"));
        }
    }
}
