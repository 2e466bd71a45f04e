package dev.duplex.transport;

import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;

import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * Per-connection settings shared by client and server connections. Durations of zero disable the
 * timer they configure.
 *
 * @param compressionLevel zlib level for permessage-deflate output (-1 = zlib's default)
 * @param eventExecutor null to call listeners on the loop, else the executor they run on (serialised)
 * @param metrics what connections report to ({@link WebSocketMetrics#NONE} for nothing)
 */
public record ConnectionConfig(Limits limits, MaskSource masks, int compressionThreshold, int compressionLevel,
                               Duration handshakeTimeout, Duration closeTimeout, Duration idleTimeout,
                               Duration pingInterval, Duration pongTimeout, long maxBufferedBytes,
                               long writeHighWater, long writeLowWater,
                               Executor eventExecutor, int eventHighWater, int eventLowWater,
                               WebSocketMetrics metrics) {

    long nanos(Duration d) {
        return d == null ? 0 : d.toNanos();
    }
}
