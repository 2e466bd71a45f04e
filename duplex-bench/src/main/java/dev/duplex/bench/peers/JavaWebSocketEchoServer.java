package dev.duplex.bench.peers;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * Java-WebSocket 1.6.0 echo: default draft (RFC 6455, no extension, so no compression), one
 * decoder thread per core, lost-connection pings off so idle sockets stay idle.
 */
public final class JavaWebSocketEchoServer extends WebSocketServer {
    private JavaWebSocketEchoServer(InetSocketAddress address) {
        super(address, Peers.threads());
    }

    public static void main(String[] args) {
        Peers.quiet();
        JavaWebSocketEchoServer s = new JavaWebSocketEchoServer(new InetSocketAddress("127.0.0.1", Peers.port(args)));
        s.setReuseAddr(true);
        s.setTcpNoDelay(true);
        s.setConnectionLostTimeout(0);
        s.setMaxPendingConnections(4096);
        s.start();
    }

    @Override
    public void onStart() {
        Peers.ready(getPort());
    }

    @Override
    public void onOpen(WebSocket conn, ClientHandshake handshake) {
    }

    @Override
    public void onMessage(WebSocket conn, String message) {
        conn.send(message);
    }

    @Override
    public void onMessage(WebSocket conn, ByteBuffer message) {
        conn.send(message);
    }

    @Override
    public void onClose(WebSocket conn, int code, String reason, boolean remote) {
    }

    @Override
    public void onError(WebSocket conn, Exception ex) {
    }
}
