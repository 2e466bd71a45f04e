package dev.duplex.server;

import dev.duplex.metrics.Limit;
import dev.duplex.ReadyState;
import dev.duplex.transport.WsChannel;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * A message encoded once and sent to many sockets (gorilla's {@code PreparedMessage}): the frame bytes
 * are built once per wire form and the same read-only bytes are queued on every connection. A socket
 * whose send queue is already over the limit is skipped or closed, by policy — one slow peer never slows
 * the rest.
 *
 * <pre>{@code
 * Broadcast msg = Broadcast.text("hello, room");
 * int sent = msg.sendTo(members, 1 << 20, Broadcast.Overflow.CLOSE);
 * }</pre>
 */
public final class Broadcast {

    /** What to do with a socket whose queue is over the limit. */
    public enum Overflow {
        /** Leave it out of this broadcast. */
        SKIP,
        /** Close it with 1008 (policy violation), reason "too slow". */
        CLOSE
    }

    final String text;
    final ByteBuffer data;
    private volatile Object prepared;

    private Broadcast(String text, ByteBuffer data) {
        this.text = text;
        this.data = data;
    }

    public static Broadcast text(String text) {
        return new Broadcast(Objects.requireNonNull(text), null);
    }

    /** A binary broadcast; the bytes are copied. */
    public static Broadcast binary(ByteBuffer data) {
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
        return new Broadcast(null, copy.asReadOnlyBuffer());
    }

    /** Sends to every OPEN socket whose {@code bufferedAmount} is at most {@code maxBuffered}; returns how many. */
    public int sendTo(Iterable<ServerWebSocket> sockets, long maxBuffered, Overflow policy) {
        int n = 0;
        for (ServerWebSocket ws : sockets) {
            if (ws.readyState() != ReadyState.OPEN) {
                continue;
            }
            if (ws.bufferedAmount() > maxBuffered) {
                ws.channel().metrics().limitExceeded(Limit.BROADCAST_QUEUE);
                if (policy == Overflow.CLOSE) {
                    ws.channel().metrics().slowConsumerClosed();
                    ws.close(1008, "too slow");
                }
                continue;
            }
            if (ws.send(this)) {
                n++;
            }
        }
        return n;
    }

    /** Sends to every OPEN socket, skipping those with more than 16 MiB queued. */
    public int sendTo(Iterable<ServerWebSocket> sockets) {
        return sendTo(sockets, 16L << 20, Overflow.SKIP);
    }

    boolean sendOn(WsChannel channel) {
        return BroadcastSupport.send(this, channel);
    }

    Object prepared() {
        return prepared;
    }

    void prepared(Object p) {
        prepared = p;
    }
}
