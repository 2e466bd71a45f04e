package dev.duplex.metrics;

import dev.duplex.protocol.Violation;

/** Which limit closed a connection or dropped a message (see {@link WebSocketMetrics#limitExceeded}). */
public enum Limit {
    /** A frame over {@code Limits.maxFrameSize}: closed with 1009. */
    FRAME_SIZE,
    /** A message over {@code Limits.maxMessageSize}: closed with 1009. */
    MESSAGE_SIZE,
    /** A compressed message inflating past {@code Limits.maxMessageSize}: closed with 1009. */
    INFLATED_SIZE,
    /** A message in more frames than {@code Limits.maxFragments}: closed with 1009. */
    FRAGMENTS,
    /** The send queue past its hard limit ({@code maxBufferedBytes}): dropped (1006). */
    SEND_QUEUE,
    /** A connection accepted while {@code maxConnections} were open: closed before reading. */
    CONNECTIONS,
    /** A broadcast left out for a socket whose queue was over the broadcast's limit. */
    BROADCAST_QUEUE;

    /** The limit behind {@code violation}, or null when it breaks a protocol rule, not a limit. */
    public static Limit of(Violation violation) {
        return switch (violation) {
            case FRAME_TOO_BIG -> FRAME_SIZE;
            case MESSAGE_TOO_BIG -> MESSAGE_SIZE;
            case DECOMPRESSED_TOO_BIG -> INFLATED_SIZE;
            case TOO_MANY_FRAGMENTS -> FRAGMENTS;
            default -> null;
        };
    }
}
