package dev.duplex.server;

/**
 * How a server-side connection ended, as a browser's {@code CloseEvent} reports it.
 *
 * @param code     the close code the peer sent (1005 when its close frame had none; 1006 when the
 *                 connection ended without a closing handshake)
 * @param reason   the close reason, or {@code ""}
 * @param wasClean whether the closing handshake completed
 */
public record CloseEvent(int code, String reason, boolean wasClean) {}
