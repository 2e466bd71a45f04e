package dev.duplex.transport;

/** Starts client connection attempts on a loop. */
final class ClientConnector {

    private ClientConnector() {}

    static WsChannel connect(EventLoop loop, ClientOptions options, ChannelListener listener) {
        return SocketConnection.connect(loop, options, listener);
    }
}
