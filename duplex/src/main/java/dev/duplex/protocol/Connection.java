package dev.duplex.protocol;

import java.nio.ByteBuffer;

/**
 * The sans-I/O WebSocket connection (RFC 6455 after the opening handshake, plus RFC 7692):
 * bytes in, events out; commands in, bytes out. No threads, no sockets, no clock.
 *
 * <p>Entry points (the shape of Python {@code websockets}' {@code Protocol}):
 * <ul>
 *   <li>{@link #receive(ByteBuffer)} / {@link #receiveEof()} — feed what the socket read;</li>
 *   <li>{@code sendText}, {@code sendBinary}, {@code sendPing}, {@code sendPong}, {@code sendClose},
 *       {@code fail} — commands that encode frames;</li>
 *   <li>{@link #pollEvent()} — the next {@link ProtocolEvent}, or null;</li>
 *   <li>{@link #pollOutbound()} — the next buffer to write, or null;</li>
 *   <li>{@link #closeExpected()} — whether the I/O layer should arm a close timer;</li>
 *   <li>{@link #shouldCloseTransport()} — whether the I/O layer should close TCP once written.</li>
 * </ul>
 * Peer mistakes never throw out of {@code receive}: they become the right close frame plus a
 * {@link ProtocolEvent.Closed}. Caller mistakes (sending after close, invalid close code) throw
 * {@link IllegalStateException} or {@link IllegalArgumentException} at once.
 *
 * <p>Not thread-safe: confined to one thread (its event loop).
 */
public final class Connection {

    public Connection(Role role, Limits limits, MaskSource masks, DeflateParameters deflate) {
        this(role, limits, masks, deflate, 0);
    }

    /**
     * @param deflate              negotiated permessage-deflate parameters, or null when not negotiated
     * @param compressionThreshold messages shorter than this many bytes are sent uncompressed
     */
    public Connection(Role role, Limits limits, MaskSource masks, DeflateParameters deflate,
                      int compressionThreshold) {
        throw new UnsupportedOperationException("in progress");
    }
}
