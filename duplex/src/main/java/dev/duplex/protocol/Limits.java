package dev.duplex.protocol;

/**
 * Size limits a connection enforces on its peer: {@link #DEFAULTS} for a server, {@link #CLIENT} for
 * a client. Each limit is checked before the bytes it guards are buffered.
 *
 * <p>No default limits the number of fragments of a message: RFC 6455 allows any number, real peers
 * stream big messages in small frames (the JDK's {@code sendText(..., false)}, Jetty's partial writes,
 * Autobahn's 4 MiB in 64-byte fragments), and a fragment costs no memory beyond its bytes, which the
 * message size limit already bounds (compressed or not). A flood of empty fragments costs what a
 * flood of empty messages costs. {@link #withMaxFragments} sets a cap for those who want one.
 *
 * @param maxFrameSize       largest frame payload accepted, in bytes (1009 past it)
 * @param maxMessageSize     largest reassembled message, in bytes, after decompression (1009 past it)
 * @param maxFragments       most frames one message may be split into (1009 past it);
 *                           {@link #NO_FRAGMENT_LIMIT} for none
 * @param maxHandshakeBytes  largest HTTP head of the opening handshake, in bytes (431 past it)
 * @param maxHeaders         most header fields in the opening handshake (431 past it)
 */
public record Limits(long maxFrameSize, long maxMessageSize, int maxFragments,
                     int maxHandshakeBytes, int maxHeaders) {

    /** {@code maxFragments}: any number of fragments per message (the defaults). */
    public static final int NO_FRAGMENT_LIMIT = Integer.MAX_VALUE;

    /**
     * A server's defaults: 1 MiB frames and messages, any number of fragments, 8 KiB and 100 header
     * fields for the handshake head. A server faces many clients it does not know, so it is stricter
     * than a client; servers that take bigger messages say so (the echo app takes 16 MiB).
     */
    public static final Limits DEFAULTS = new Limits(1 << 20, 1 << 20, NO_FRAGMENT_LIMIT, 8192, 100);

    /**
     * A client's defaults ({@code new WebSocket(url)}): 100 MiB frames and messages, as Node {@code ws}'s
     * {@code maxPayload}, any number of fragments. Browsers set no per-message limit at all; 100 MiB
     * receives every snapshot a page's JavaScript receives in practice while still bounding what one
     * message (and one inflated message: the limit applies after decompression) can make a client hold.
     */
    public static final Limits CLIENT = new Limits(100L << 20, 100L << 20, NO_FRAGMENT_LIMIT, 8192, 100);

    public Limits {
        if (maxFrameSize < 0 || maxMessageSize < 0 || maxFragments < 1
                || maxHandshakeBytes < 64 || maxHeaders < 1) {
            throw new IllegalArgumentException("invalid limits");
        }
    }

    public Limits withMaxFrameSize(long v) {
        return new Limits(v, maxMessageSize, maxFragments, maxHandshakeBytes, maxHeaders);
    }

    public Limits withMaxMessageSize(long v) {
        return new Limits(maxFrameSize, v, maxFragments, maxHandshakeBytes, maxHeaders);
    }

    public Limits withMaxFragments(int v) {
        return new Limits(maxFrameSize, maxMessageSize, v, maxHandshakeBytes, maxHeaders);
    }

    public Limits withMaxHandshakeBytes(int v) {
        return new Limits(maxFrameSize, maxMessageSize, maxFragments, v, maxHeaders);
    }

    public Limits withMaxHeaders(int v) {
        return new Limits(maxFrameSize, maxMessageSize, maxFragments, maxHandshakeBytes, v);
    }
}
