package dev.duplex.app;

import dev.duplex.protocol.Limits;
import dev.duplex.server.HttpHandler;
import dev.duplex.server.HttpReply;
import dev.duplex.server.OriginPolicy;
import dev.duplex.server.WebSocketServer;

/** Settings every app server shares. */
final class Servers {

    private Servers() {}

    /**
     * @param origins which pages may connect unless {@code --allow-origin} says otherwise: the echo
     *                server lets any page in (as the public echo services the tutorials use), the chat
     *                only its own pages
     */
    static void configure(WebSocketServer.Builder builder, ServerSettings settings, OriginPolicy origins) {
        configure(builder, settings, origins, request -> HttpReply.text(200, "ok\n"));
    }

    /** As above, with the server's own {@code /health} answer. */
    static void configure(WebSocketServer.Builder builder, ServerSettings settings, OriginPolicy origins,
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
                .http("/health", health);
        if (settings.tls()) {
            builder.tls(settings.sslContext());
        }
    }
}
