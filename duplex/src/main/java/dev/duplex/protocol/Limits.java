package dev.duplex.protocol;

/**
 * Size limits a connection enforces on its peer, with safe defaults (see {@link #DEFAULTS}).
 * Each limit is checked before the bytes it guards are buffered.
 *
 * @param maxFrameSize       largest frame payload accepted, in bytes (1009 past it)
 * @param maxMessageSize     largest reassembled message, in bytes, after decompression (1009 past it)
 * @param maxFragments       most frames one message may be split into (1009 past it)
 * @param maxHandshakeBytes  largest HTTP head of the opening handshake, in bytes (431 past it)
 * @param maxHeaders         most header fields in the opening handshake (431 past it)
 */
public record Limits(long maxFrameSize, long maxMessageSize, int maxFragments,
                     int maxHandshakeBytes, int maxHeaders) {

    /** 1 MiB frames and messages, 1024 fragments, 8 KiB and 100 headers for the handshake head. */
    public static final Limits DEFAULTS = new Limits(1 << 20, 1 << 20, 1024, 8192, 100);

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
