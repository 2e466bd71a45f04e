package dev.duplex.transport;

import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.State;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * One WebSocket connection as the transport sees it, client or server side. All methods are
 * thread-safe and never block: commands from other threads are posted to the channel's event loop.
 *
 * <p>Send methods return {@code false} (and drop the data) when the channel is not {@code OPEN} at
 * the time of the call. A send accepted from another thread may still be discarded if the connection
 * closes before the loop runs it; its bytes then leave {@link #bufferedAmount()}.
 */
public interface WsChannel {

    /** CONNECTING until the handshake succeeds, OPEN, CLOSING once either side sent a close, CLOSED. */
    State readyState();

    /** Payload bytes accepted by {@link #sendText}/{@link #sendBinary} not yet handed to the OS. */
    long bufferedAmount();

    /** The selected subprotocol, {@code ""} until open or when none. */
    String protocol();

    /** The negotiated extensions header value, {@code ""} until open or when none. */
    String extensions();

    /** Sends a text message (RFC 6455 5.6); compressed when permessage-deflate was negotiated. */
    boolean sendText(String text);

    /**
     * {@link #sendText(String)} for a caller that has counted the text's UTF-8 bytes already
     * ({@code encodedLength}, as {@link dev.duplex.protocol.Utf8#encodedLength} counts them).
     */
    default boolean sendText(String text, long encodedLength) {
        return sendText(text);
    }

    /**
     * Sends a binary message. The buffer's remaining bytes are read when the loop encodes the message,
     * and a large one may be written from the buffer itself, after this call returns: the caller must
     * not change them afterwards (pass a copy when in doubt).
     */
    boolean sendBinary(ByteBuffer data);

    /**
     * Sends a message encoded once for many connections (a broadcast); the shared bytes are not
     * copied when the connection can use them as they are.
     */
    default boolean sendPrepared(dev.duplex.protocol.PreparedMessage message) {
        throw new UnsupportedOperationException("prepared messages are not supported by " + getClass());
    }

    /**
     * Stops reading the socket (after the read in progress) until {@link #resumeReading()}: the peer's
     * sends then fill the TCP window and stall, which is how a consumer that reads at its own pace
     * slows the peer down (receive backpressure). Counted apart from the transport's own pauses (for
     * undelivered events and for a full write queue): reading resumes only when none holds it.
     * Idempotent; any thread; never blocks.
     */
    default void pauseReading() {
        throw new UnsupportedOperationException("pausing is not supported by " + getClass());
    }

    /** Undoes {@link #pauseReading()}. Idempotent; any thread; never blocks. */
    default void resumeReading() {
        throw new UnsupportedOperationException("pausing is not supported by " + getClass());
    }

    /** Sends a ping (at most 125 bytes, RFC 6455 5.5). */
    /**
     * From the next message on, delivers data as {@link dev.duplex.protocol.ProtocolEvent.MessagePart}s
     * as it arrives (see {@link dev.duplex.protocol.Connection#streamMessages}). A part's data may be a
     * view lent from the event loop's read buffer: valid only during the listener call (the transport
     * copies it for listeners on an executor).
     */
    default void streamMessages(boolean on) {
        throw new UnsupportedOperationException("message parts are not supported by " + getClass());
    }

    /**
     * Sends one part of a message (see {@link dev.duplex.protocol.Connection#sendPart}); the bytes
     * must not change until written, except a part lent by this channel's own listener call, which
     * may be passed back as it is (echo): what is not written by the end of that call is copied.
     * Returns false (dropping it) when the channel is not OPEN.
     */
    default boolean sendPart(boolean text, ByteBuffer data, boolean last) {
        throw new UnsupportedOperationException("message parts are not supported by " + getClass());
    }

    /**
     * Whether {@code part}, which this channel's listener is being handed on the event loop, is one
     * of the loop's reused part events (see {@link dev.duplex.protocol.BufferPool}): the same object,
     * with the same view, for every such part of every channel of the loop. A layer above may then
     * reuse what it makes of it, per loop thread, for as long as the loop runs.
     */
    default boolean reusesPart(dev.duplex.protocol.ProtocolEvent.MessagePart part) {
        return false;
    }

    boolean sendPing(ByteBuffer payload);

    /** Sends an unsolicited pong (at most 125 bytes). */
    boolean sendPong(ByteBuffer payload);

    /**
     * Starts the closing handshake (RFC 6455 7.1.2) after everything sent before: with {@code code ==
     * null} the close frame has no body. Idempotent; ignored once closing. While CONNECTING this
     * behaves like {@link #abort}. A close timer drops TCP if the peer does not answer in time.
     */
    void close(CloseCode code, String reason);

    /**
     * Fails the connection at once (RFC 6455 7.1.7 without a close frame): drops TCP, the listener
     * gets {@code Closed(1006, wasClean=false, cause)}. Idempotent.
     */
    void abort(Throwable cause);

    /** The peer's address, or null before the TCP connection exists. */
    InetSocketAddress remoteAddress();

    /** This side's address, or null before the TCP connection exists. */
    InetSocketAddress localAddress();

    /** What this channel reports to (see {@link dev.duplex.metrics.WebSocketMetrics}). */
    default dev.duplex.metrics.WebSocketMetrics metrics() {
        return dev.duplex.metrics.WebSocketMetrics.NONE;
    }

    /** Keeps {@code o} with this channel for the layer above (the server keeps its socket object here). */
    void attach(Object o);

    /** What {@link #attach} kept, or null. */
    Object attachment();
}
