package dev.duplex.protocol;

/**
 * The state of a WebSocket connection, with the same four names (and ordinals) as the browser's
 * {@code readyState}: CONNECTING=0, OPEN=1, CLOSING=2, CLOSED=3.
 */
public enum State {
    CONNECTING,
    OPEN,
    CLOSING,
    CLOSED
}
