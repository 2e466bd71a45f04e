package dev.duplex.bench.clients;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.java_websocket.client.WebSocketClient;
import org.java_websocket.handshake.ServerHandshake;

/** Java-WebSocket's {@code WebSocketClient} (a read and a write thread per socket), TCP_NODELAY. */
final class JavaWebSocketRaceClient implements RaceClient {
    private final List<WebSocketClient> sockets = new ArrayList<>();

    @Override
    public void connect(URI uri, EchoCheck check) throws Exception {
        WebSocketClient c = new WebSocketClient(uri) {
            @Override
            public void onOpen(ServerHandshake handshake) {
                // connectBlocking returns once open
            }

            @Override
            public void onMessage(String message) {
                check.received(message);
            }

            @Override
            public void onMessage(ByteBuffer bytes) {
                // text only
            }

            @Override
            public void onClose(int code, String reason, boolean remote) {
                // the run ends by closing
            }

            @Override
            public void onError(Exception e) {
                // a failed connect shows in connectBlocking; a failed check in EchoCheck
            }
        };
        c.setTcpNoDelay(true);
        if (!c.connectBlocking(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("Java-WebSocket client did not open");
        }
        check.sender(c::send);
        sockets.add(c);
    }

    @Override
    public void closeAll() {
        sockets.forEach(WebSocketClient::close);
    }
}
