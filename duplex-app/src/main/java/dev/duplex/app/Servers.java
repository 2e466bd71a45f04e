package dev.duplex.app;

import dev.duplex.app.metrics.Monitoring;
import dev.duplex.protocol.Limits;
import dev.duplex.server.HttpHandler;
import dev.duplex.server.HttpReply;
import dev.duplex.server.OriginPolicy;
import dev.duplex.server.WebSocketServer;

import java.time.Duration;

/** Settings every app server shares, and how it starts. */
final class Servers {

    /** The library's default close timeout, kept unless the drain timeout is longer. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private Servers() {}

    /**
     * @param origins which pages may connect unless {@code --allow-origin} says otherwise: the echo
     *                server lets any page in (as the public echo services the tutorials use), the chat
     *                only its own pages
     * @return the monitoring that serves /health, /ready and /metrics
     */
    static Monitoring configure(WebSocketServer.Builder builder, ServerSettings settings, OriginPolicy origins) {
        return configure(builder, settings, origins, request -> HttpReply.text(200, "ok\n"));
    }

    /** As above, with the server's own {@code /health} answer. */
    static Monitoring configure(WebSocketServer.Builder builder, ServerSettings settings, OriginPolicy origins,
                                HttpHandler health) {
        // A message may arrive in one frame, so the frame limit follows the message limit.
        Limits limits = Limits.DEFAULTS
                .withMaxMessageSize(settings.maxMessage())
                .withMaxFrameSize(settings.maxMessage());
        builder.port(settings.port())
                .bindAddress(settings.host())
                .limits(limits)
                .permessageDeflate(settings.deflate())
                .maxConnections(settings.effectiveMaxConnections())
                .originPolicy(settings.originPolicy(origins))
                // a peer answering the drain's close frame gets the whole drain timeout to do it
                .closeTimeout(settings.drainTimeout().compareTo(CLOSE_TIMEOUT) > 0 ? settings.drainTimeout() : CLOSE_TIMEOUT)
                .shutdownGrace(settings.drainTimeout());
        if (settings.tls()) {
            builder.tls(settings.sslContext());
        }
        Monitoring monitoring = new Monitoring();
        monitoring.install(builder, health);
        return monitoring;
    }

    /** Builds and starts the server; {@code resource} (may be null) is closed after it stops. */
    static RunningServer start(WebSocketServer.Builder builder, ServerSettings settings, Monitoring monitoring,
                               AutoCloseable resource) {
        try {
            WebSocketServer server = builder.build().start();
            monitoring.attach(server);
            return new RunningServer(server, settings, monitoring, resource);
        } catch (RuntimeException e) {
            monitoring.close();
            throw e;
        }
    }
}
