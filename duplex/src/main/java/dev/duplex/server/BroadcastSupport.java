package dev.duplex.server;

import dev.duplex.protocol.PreparedMessage;
import dev.duplex.transport.WsChannel;

/** Sends a broadcast on one channel, encoding it once for all of them. */
final class BroadcastSupport {

    private BroadcastSupport() {}

    static boolean send(Broadcast b, WsChannel channel) {
        PreparedMessage p = (PreparedMessage) b.prepared();
        if (p == null) {
            p = b.text != null ? PreparedMessage.text(b.text) : PreparedMessage.binary(b.data.duplicate());
            b.prepared(p);
        }
        return channel.sendPrepared(p);
    }
}
