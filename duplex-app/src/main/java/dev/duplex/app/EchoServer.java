package dev.duplex.app;

import dev.duplex.app.metrics.Monitoring;
import dev.duplex.server.OriginPolicy;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;

/**
 * {@code duplex echo}: every text message comes back as text, every binary message as binary,
 * unchanged, on any path; the page at {@code /} tries it from a browser. Messages are echoed part by
 * part as they arrive ({@link dev.duplex.server.WebSocketHandler#echo()}), so a 16 MiB message is never
 * held whole and its echo starts before it has all arrived.
 */
public final class EchoServer {

    /** Like a public echo service: big messages are fine. */
    public static final long DEFAULT_MAX_MESSAGE = 16L << 20;

    /** Echo answers on every path up to this many segments ({@code /}, {@code /echo}, {@code /a/b/c}…). */
    static final int MAX_PATH_SEGMENTS = 8;

    private EchoServer() {}

    public static RunningServer start(ServerSettings settings) {
        WebSocketServer.Builder builder = WebSocketServer.builder();
        Monitoring monitoring = Servers.configure(builder, settings, OriginPolicy.any());
        // Routes match whole paths, one {param} per segment; this covers any realistic path.
        StringBuilder pattern = new StringBuilder();
        builder.route("/", WebSocketHandler.echo());
        for (int i = 1; i <= MAX_PATH_SEGMENTS; i++) {
            pattern.append("/{p").append(i).append('}');
            builder.route(pattern.toString(), WebSocketHandler.echo());
        }
        builder.staticResources("/", "web/echo", EchoServer.class.getClassLoader());
        builder.staticResources("/", "web/common", EchoServer.class.getClassLoader()); // shared style.css
        return Servers.start(builder, settings, monitoring, null);
    }
}
