package dev.duplex.bench.clients;

import dev.duplex.WebSocket;
import dev.duplex.WebSocketOptions;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Duplex's browser-shaped client, {@code dev.duplex.WebSocket}: events on each socket's serial
 * dispatcher (a virtual thread), its default, or on the transport's event loop ({@code dispatchOnLoop}).
 */
final class DuplexRaceClient implements RaceClient {
    private final WebSocketOptions options;
    private final List<WebSocket> sockets = new ArrayList<>();

    DuplexRaceClient(boolean onLoop) {
        this.options = WebSocketOptions.builder().dispatchOnLoop(onLoop).build();
    }

    @Override
    public void connect(URI uri, EchoCheck check) throws Exception {
        WebSocket ws = new WebSocket(uri.toString(), options, w -> w.setOnmessage(e -> check.received(e.text())));
        if (!ws.awaitOpen(Duration.ofSeconds(10))) {
            throw new IllegalStateException("Duplex client did not open: " + ws.readyState());
        }
        check.sender(ws::send);
        sockets.add(ws);
    }

    @Override
    public void closeAll() {
        sockets.forEach(WebSocket::close);
    }
}
