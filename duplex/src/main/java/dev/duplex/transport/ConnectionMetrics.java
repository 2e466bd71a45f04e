package dev.duplex.transport;

import dev.duplex.metrics.Limit;
import dev.duplex.metrics.WebSocketMetrics;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.ProtocolException;

/**
 * What a connection's traffic counts in its {@link WebSocketMetrics}, each rule once: a message
 * received or sent (once, a streamed one at its last part), the close and its code, the limit a
 * violation hit, a send queue over its limit. (The bytes are counted by the {@link Wire}, refused
 * handshakes by the {@link ServerHttpExchange}.) Stateless; loop thread only.
 */
final class ConnectionMetrics {

    private ConnectionMetrics() {}

    /** An event is handed to the listener: a whole message (or a message's last part) counts as received. */
    static void received(WebSocketMetrics m, ProtocolEvent e) {
        if (e instanceof ProtocolEvent.TextMessage || e instanceof ProtocolEvent.BinaryMessage
                || (e instanceof ProtocolEvent.MessagePart p && p.last())) {
            m.messageReceived();
        }
    }

    /** A send of {@code kind} ({@link CommandQueue.Command}) goes into the core. */
    static void sent(WebSocketMetrics m, int kind) {
        if (CommandQueue.Command.endsMessage(kind)) {
            m.messageSent();
        }
    }

    /** The connection's one {@code Closed}: its code, and the limit a violation behind it hit. */
    static void closed(WebSocketMetrics m, ProtocolEvent.Closed c) {
        m.connectionClosed(c.code().code());
        if (c.cause() instanceof ProtocolException pe) {
            Limit limit = Limit.of(pe.violation());
            if (limit != null) {
                m.limitExceeded(limit);
            }
        }
    }

    /** WHATWG "flag the WebSocket as full": the send queue passed its limit and the connection fails. */
    static void sendQueueFull(WebSocketMetrics m) {
        m.limitExceeded(Limit.SEND_QUEUE);
        m.slowConsumerClosed();
    }
}
