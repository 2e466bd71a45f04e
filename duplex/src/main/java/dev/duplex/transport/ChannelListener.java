package dev.duplex.transport;

import dev.duplex.protocol.ProtocolEvent;

/**
 * Receives what happens on one {@link WsChannel}. Calls for one channel are made in order, never
 * concurrently, each happening-before the next: on the channel's event loop when no event executor was
 * configured (then they must not block), otherwise on that executor.
 *
 * <p>Order: {@link #onOpen} at most once and first; then {@link #onEvent} for each
 * {@link ProtocolEvent}; the last call is always {@code onEvent(ProtocolEvent.Closed)}, exactly once —
 * also when the connection never opened.
 */
public interface ChannelListener {

    /** The opening handshake succeeded; the channel is {@code OPEN}. */
    default void onOpen(WsChannel channel, OpenInfo info) {}

    /** A protocol event: a message, a ping or pong, the peer's close, and finally {@code Closed}. */
    void onEvent(WsChannel channel, ProtocolEvent event);

    /**
     * {@code bytes} of payload (as counted in {@code bufferedAmount}) of this channel's sends were
     * written to the network (with TLS: into the record layer's output, which is written next). Never
     * for bytes dropped on close. Unlike the other calls, always on the event loop, right after the
     * write, whatever the executor: it must not block. Lets a layer above complete its writes as their
     * bytes leave, without polling.
     */
    default void onWritten(WsChannel channel, long bytes) {}
}
