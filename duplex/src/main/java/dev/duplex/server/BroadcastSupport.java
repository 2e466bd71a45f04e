package dev.duplex.server;

import dev.duplex.transport.WsChannel;

/** Sends a broadcast on one channel (encoded per message until prepared messages are wired in). */
final class BroadcastSupport {

    private BroadcastSupport() {}

    static boolean send(Broadcast b, WsChannel channel) {
        return b.text != null ? channel.sendText(b.text) : channel.sendBinary(b.data.duplicate());
    }
}
