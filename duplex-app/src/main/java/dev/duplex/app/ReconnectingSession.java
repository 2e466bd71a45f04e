package dev.duplex.app;

import dev.duplex.BinaryType;
import dev.duplex.CloseEvent;
import dev.duplex.MessageEvent;
import dev.duplex.ReadyState;
import dev.duplex.ReconnectOptions;
import dev.duplex.ReconnectingWebSocket;
import dev.duplex.WebSocketOptions;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * {@code duplex client --reconnect}: the terminal (or {@code --echo}) session on a
 * {@link ReconnectingWebSocket}. It starts at once, connected or not; prints a notice on every
 * connect, drop and retry; ends on Ctrl-D or when the socket ends for good.
 */
final class ReconnectingSession {

    private final String url;
    private final WebSocketOptions options;
    private final int maxAttempts;
    private final boolean echo;
    private final boolean binary;
    private final Duration timeout;

    ReconnectingSession(String url, WebSocketOptions options, int maxAttempts, boolean echo, boolean binary,
            Duration timeout) {
        this.url = url;
        this.options = options;
        this.maxAttempts = maxAttempts;
        this.echo = echo;
        this.binary = binary;
        this.timeout = timeout;
    }

    int run() throws Exception {
        Inbox<MessageEvent> inbox = new Inbox<>();
        Inbox<String> notices = new Inbox<>();
        CompletableFuture<CloseEvent> ended = new CompletableFuture<>();
        ReconnectingWebSocket ws;
        try {
            ws = new ReconnectingWebSocket(url, options,
                    ReconnectOptions.builder().maxAttempts(maxAttempts).build(), s -> {
                s.setOnopen(e -> notices.accept("Connected to " + e.target().url() + "."));
                s.setOnclose(e -> {
                    if (s.readyState() == ReadyState.CLOSED) {
                        ended.complete(e);
                    } else {
                        notices.accept("Disconnected: " + ClientCommand.describe(e) + ".");
                    }
                });
                s.setOnreconnecting(e -> notices.accept("Reconnecting in " + e.delay().toMillis()
                        + " ms (attempt " + e.attempt() + ")."));
                if (echo) {
                    s.setBinaryType(BinaryType.ARRAYBUFFER);
                    s.setOnmessage(e -> echoBack(s, e));
                } else {
                    s.setOnmessage(inbox::accept);
                }
            });
        } catch (RuntimeException e) {
            System.err.println("duplex client: " + url + ": " + e.getMessage());
            return 2;
        }
        if (echo) {
            notices.deliverTo(System.err::println);
            return ClientCommand.report(ended.get());
        }
        return new Interactive(Peer.of(ws), inbox, notices, ended, binary, timeout).run();
    }

    private static void echoBack(ReconnectingWebSocket ws, MessageEvent e) {
        if (e.data() instanceof String text) {
            ws.send(text);
        } else {
            ws.send((ByteBuffer) e.data());
        }
    }
}
