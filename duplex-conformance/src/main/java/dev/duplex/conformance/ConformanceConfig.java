package dev.duplex.conformance;

import dev.duplex.protocol.Limits;

/**
 * The configuration the Autobahn targets run with. Autobahn's section 9 sends messages of up to
 * 16 MiB, in up to 65 536 frames (9.3.1: 4 MiB in 64-byte fragments); the library's production
 * defaults ({@link Limits#DEFAULTS}) stay at 1 MiB and are not changed by this.
 */
public final class ConformanceConfig {
    private ConformanceConfig() {}

    /** 16 MiB frames and messages, 2^20 fragments per message. */
    public static final Limits LIMITS = Limits.DEFAULTS
            .withMaxFrameSize(16L << 20)
            .withMaxMessageSize(16L << 20)
            .withMaxFragments(1 << 20);

    /** Outbound queue limit: room for a 16 MiB echo plus what is still in flight. */
    public static final long MAX_BUFFERED_BYTES = 64L << 20;

    /**
     * zlib level 1 for what the targets compress. The level changes how hard zlib searches for
     * matches, not the format: any level's output is valid DEFLATE for the peer. Sections 12 and 13
     * echo 1000 messages of up to 128 KiB per case; at zlib's default level 6, deflating the German
     * text of 12.3 runs at ~10 MB/s on the CI machine (level 1: ~56 MB/s), which alone made those
     * cases take half a minute each.
     */
    public static final int COMPRESSION_LEVEL = 1;
}
