package dev.duplex.transport;

import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.State;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/** Client connection attempts (placeholder until the protocol core and handshake land). */
final class ClientConnector {

    private ClientConnector() {}

    static WsChannel connect(EventLoop loop, ClientOptions options, ChannelListener listener) {
        WsChannel ch = new WsChannel() {
            public State readyState() { return State.CLOSED; }
            public long bufferedAmount() { return 0; }
            public String protocol() { return ""; }
            public String extensions() { return ""; }
            public boolean sendText(String text) { return false; }
            public boolean sendBinary(ByteBuffer data) { return false; }
            public boolean sendPing(ByteBuffer payload) { return false; }
            public boolean sendPong(ByteBuffer payload) { return false; }
            public void close(CloseCode code, String reason) {}
            public void abort(Throwable cause) {}
            public InetSocketAddress remoteAddress() { return null; }
            public InetSocketAddress localAddress() { return null; }
        };
        loop.execute(() -> listener.onEvent(ch, new ProtocolEvent.Closed(CloseCode.ABNORMAL_CLOSURE, "", false,
                new ConnectException(ConnectException.Step.CONNECT, "client transport not implemented yet", null))));
        return ch;
    }
}
