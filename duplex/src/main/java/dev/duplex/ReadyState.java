package dev.duplex;

/**
 * {@code WebSocket.readyState} (WHATWG WebSockets §dom-websocket-readystate). The ordinals are the
 * standard's numbers: CONNECTING=0, OPEN=1, CLOSING=2, CLOSED=3; {@link #value()} returns them.
 */
public enum ReadyState {
    /** The connection has not yet been established. */
    CONNECTING,
    /** The connection is established and communication is possible. */
    OPEN,
    /** The connection is going through the closing handshake, or {@code close()} was called. */
    CLOSING,
    /** The connection has been closed or could not be opened. */
    CLOSED;

    /** The standard's number for this state. */
    public int value() {
        return ordinal();
    }
}
