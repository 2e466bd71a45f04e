package dev.duplex.bench.peers;

import dev.duplex.protocol.Limits;
import dev.duplex.server.Broadcast;
import dev.duplex.server.WebSocketServer;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Duplex's own server under the same conditions as the peers: {@code --mode echo} sends each message
 * back part by part as it arrives ({@code WebSocketHandler.echo()}, as the {@code duplex echo} app
 * does: a large message is never held whole; {@code --mode echo-whole} waits for whole messages); {@code --mode broadcast} (the chat room) prepares each message once as a {@link Broadcast} and
 * queues the same frame bytes on every open connection. One event loop per core (the default),
 * permessage-deflate off, frame and message limits at {@link Peers#MAX_MESSAGE}. With
 * {@code --keystore FILE --storepass PW} it serves {@code wss} through its public {@code tls(SSLContext)}: on the
 * JDK's TLS, or with {@code --tls-engine boringssl} on BoringSSL ({@code NativeTls}, what {@code duplex echo}
 * serves with by default).
 */
public final class DuplexServer {
    public static void main(String[] args) {
        Peers.quiet();
        String mode = Peers.option(args, "--mode", "echo");
        boolean broadcast = mode.equals("broadcast");
        AtomicReference<WebSocketServer> self = new AtomicReference<>();
        WebSocketServer.Builder b = WebSocketServer.builder()
                .bindAddress("127.0.0.1")
                .port(Peers.port(args))
                .permessageDeflate(false)
                .limits(Limits.DEFAULTS.withMaxFrameSize(Peers.MAX_MESSAGE).withMaxMessageSize(Peers.MAX_MESSAGE));
        javax.net.ssl.SSLContext tls = Peers.option(args, "--tls-engine", "jdk").equals("boringssl")
                ? Peers.boringSslTls(args) : Peers.jdkTls(args);
        if (tls != null) {
            b.tls(tls); // wss: the engine's defaults (the generator pins suite and group)
        }
        if (broadcast) {
            b.route("/", ws -> ws.onmessage(m -> Broadcast.text(m.text()).sendTo(self.get().connections())));
        } else if (mode.equals("echo-whole")) {
            b.route("/", ws -> ws.onmessage(ws::send));
        } else {
            b.route("/", dev.duplex.server.WebSocketHandler.echo()); // parts, one handler for all connections
        }
        WebSocketServer server = b.build().start();
        self.set(server);
        Peers.ready(server.port());
    }
}
