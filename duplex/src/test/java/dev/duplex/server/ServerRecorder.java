package dev.duplex.server;

import dev.duplex.CloseEvent;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The server API's recorder: wraps a route's own {@link WebSocketHandler} ({@link #around}) and queues
 * what the server side of each socket saw (open, every whole message, error, close), so a test waits for
 * the event instead of for time. The behaviour runs first and unchanged (its {@code ws.onmessage(...)} and
 * the like still apply); the recorder only watches. The other layers have theirs:
 * {@code dev.duplex.testing.CoreRecorder} (the sans-I/O core), {@code dev.duplex.transport.ChannelRecorder}
 * (the transport), {@code dev.duplex.ClientRecorder} (the client API).
 */
public final class ServerRecorder {

    /** Generous: a loaded 2-core machine must not make a test flaky. */
    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** One thing the server side saw. */
    public sealed interface Seen permits Opened, Received, Failed, Closed {
        ServerWebSocket ws();
    }

    public record Opened(ServerWebSocket ws) implements Seen {}

    /** A whole message, copied: the recorder keeps it past the handler call. */
    public record Received(ServerWebSocket ws, Message message) implements Seen {}

    public record Failed(ServerWebSocket ws, Throwable error) implements Seen {}

    public record Closed(ServerWebSocket ws, CloseEvent event) implements Seen {}

    private final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

    /**
     * A handler that runs {@code behaviour} and records what its sockets saw here; one recorder can
     * watch several routes: {@code .route("/echo", recorder.around(ws -> ws.onmessage(ws::send)))}.
     */
    public WebSocketHandler around(WebSocketHandler behaviour) {
        return new WebSocketHandler() {
            @Override
            public void onOpen(ServerWebSocket ws) {
                behaviour.onOpen(ws);
                seen.add(new Opened(ws));
            }

            @Override
            public void onMessage(ServerWebSocket ws, Message message) {
                behaviour.onMessage(ws, message);
                seen.add(new Received(ws, copy(message)));
            }

            @Override
            public boolean receivesParts() {
                return behaviour.receivesParts();
            }

            @Override
            public void onPart(ServerWebSocket ws, MessagePart part) {
                behaviour.onPart(ws, part);
            }

            @Override
            public void onError(ServerWebSocket ws, Throwable error) {
                behaviour.onError(ws, error);
                seen.add(new Failed(ws, error));
            }

            @Override
            public void onClose(ServerWebSocket ws, CloseEvent event) {
                behaviour.onClose(ws, event);
                seen.add(new Closed(ws, event));
            }
        };
    }

    /** The next thing seen, within {@link #TIMEOUT}. */
    public Seen next() throws InterruptedException {
        Seen s = seen.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(s).as("a server-side event within %s", TIMEOUT).isNotNull();
        return s;
    }

    /** Skips to the next open and returns its socket. */
    public ServerWebSocket opened() throws InterruptedException {
        return next(Opened.class).ws();
    }

    /** Skips to the next message and returns it. */
    public Message message() throws InterruptedException {
        return next(Received.class).message();
    }

    /** Skips to the next close and returns it. */
    public CloseEvent close() throws InterruptedException {
        return next(Closed.class).event();
    }

    /** Skips to the next error and returns it. */
    public Throwable error() throws InterruptedException {
        return next(Failed.class).error();
    }

    private <T extends Seen> T next(Class<T> type) throws InterruptedException {
        while (true) {
            Seen s = next();
            if (type.isInstance(s)) {
                return type.cast(s);
            }
        }
    }

    /** Forgets everything seen so far (between attacks on one server, say). */
    public void clear() {
        seen.clear();
    }

    private static Message copy(Message m) {
        if (m.isText()) {
            return m;
        }
        ByteBuffer d = m.data().duplicate();
        ByteBuffer c = ByteBuffer.allocate(d.remaining()).put(d).flip();
        return Message.binary(c.asReadOnlyBuffer());
    }
}
