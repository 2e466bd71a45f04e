package dev.duplex.app;

import dev.duplex.ReconnectingWebSocket;
import dev.duplex.WebSocket;

/** What the interactive session needs of its connection: a plain {@link WebSocket} or one that comes back. */
interface Peer {

    /** The line printed when the session starts. */
    String greeting();

    /** Sends (or, reconnecting, queues) a message; false when it was not taken. */
    boolean send(String text);

    boolean send(byte[] bytes);

    /** Closes with 1000, for good. */
    void close();

    static Peer of(WebSocket ws) {
        return new Peer() {
            @Override
            public String greeting() {
                return "Connected to " + ws.url()
                        + (ws.protocol().isEmpty() ? "" : ", protocol " + ws.protocol())
                        + (ws.extensions().isEmpty() ? "" : ", extensions " + ws.extensions())
                        + ". Type a line to send it; Ctrl-D closes.";
            }

            @Override
            public boolean send(String text) {
                if (ws.readyState() != WebSocket.OPEN) {
                    return false;
                }
                ws.send(text);
                return true;
            }

            @Override
            public boolean send(byte[] bytes) {
                if (ws.readyState() != WebSocket.OPEN) {
                    return false;
                }
                ws.send(bytes);
                return true;
            }

            @Override
            public void close() {
                ws.close(1000);
            }
        };
    }

    static Peer of(ReconnectingWebSocket ws) {
        return new Peer() {
            @Override
            public String greeting() {
                return "Reconnecting until closed. Type a line to send it (held while disconnected); Ctrl-D closes.";
            }

            @Override
            public boolean send(String text) {
                return ws.send(text);
            }

            @Override
            public boolean send(byte[] bytes) {
                return ws.send(bytes);
            }

            @Override
            public void close() {
                ws.close(1000, "");
            }
        };
    }
}
