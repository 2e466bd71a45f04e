package dev.duplex.bench.clients;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's {@code java.net.http.WebSocket}, one {@code HttpClient} for all connections. It allows
 * one {@code sendText} outstanding per socket, so each connection queues its next messages until
 * the previous send completes.
 */
final class JdkRaceClient implements RaceClient {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WebSocket> sockets = new ArrayList<>();

    @Override
    public void connect(URI uri, EchoCheck check) throws Exception {
        WebSocket ws = http.newWebSocketBuilder().buildAsync(uri, new Listener(check)).get(10, TimeUnit.SECONDS);
        Sends sends = new Sends(ws);
        check.sender(sends::send);
        sockets.add(ws);
    }

    @Override
    public void closeAll() {
        sockets.forEach(WebSocket::abort);
        http.shutdownNow();
    }

    private static final class Listener implements WebSocket.Listener {
        private final EchoCheck check;
        private final StringBuilder parts = new StringBuilder();

        Listener(EchoCheck check) {
            this.check = check;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            if (last && parts.isEmpty()) {
                check.received(data.toString());
            } else {
                parts.append(data);
                if (last) {
                    check.received(parts.toString());
                    parts.setLength(0);
                }
            }
            ws.request(1);
            return null;
        }
    }

    /** One socket's sends, one at a time, in order. */
    private static final class Sends {
        private final WebSocket ws;
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private boolean sending;

        Sends(WebSocket ws) {
            this.ws = ws;
        }

        void send(String text) {
            synchronized (this) {
                if (sending) {
                    queue.add(text);
                    return;
                }
                sending = true;
            }
            ws.sendText(text, true).whenComplete((w, e) -> next());
        }

        private void next() {
            String text;
            synchronized (this) {
                text = queue.poll();
                if (text == null) {
                    sending = false;
                    return;
                }
            }
            ws.sendText(text, true).whenComplete((w, e) -> next());
        }
    }
}
