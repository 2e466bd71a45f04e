package dev.duplex.bench.peers;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * Jetty 12 echo on the Jetty WebSocket API ({@code jetty-websocket-jetty-server}): a connector with
 * one selector per core, message and frame limits at {@link Peers#MAX_MESSAGE}, idle timeouts long
 * enough for the idle-connections workload; {@code wss} with {@code --keystore FILE --storepass PW}. permessage-deflate is only negotiated when the client
 * offers it, and the load generator never does.
 */
public final class JettyEchoServer {
    public static void main(String[] args) throws Exception {
        Peers.quiet();
        Server server = new Server();
        String keystore = Peers.option(args, "--keystore", null);
        ServerConnector connector;
        if (keystore == null) {
            connector = new ServerConnector(server, 1, Peers.threads());
        } else {
            // wss: the JDK's SSLEngine through Jetty's SslConnectionFactory, its defaults otherwise
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(keystore);
            tls.setKeyStoreType("PKCS12");
            tls.setKeyStorePassword(Peers.option(args, "--storepass", ""));
            tls.setSniRequired(false);
            // Jetty picks its suites from all the JDK supports, not the JDK's enabled list: pass that list on.
            String suites = System.getProperty("jdk.tls.server.cipherSuites");
            if (suites != null) {
                tls.setIncludeCipherSuites(suites.split(","));
            }
            connector = new ServerConnector(server, 1, Peers.threads(), tls);
        }
        connector.setHost("127.0.0.1");
        connector.setPort(Peers.port(args));
        connector.setAcceptQueueSize(4096);
        connector.setIdleTimeout(Duration.ofMinutes(30).toMillis());
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = WebSocketUpgradeHandler.from(server, container -> {
            container.setMaxTextMessageSize(Peers.MAX_MESSAGE);
            container.setMaxBinaryMessageSize(Peers.MAX_MESSAGE);
            container.setMaxFrameSize(Peers.MAX_MESSAGE);
            container.setIdleTimeout(Duration.ofMinutes(30));
            container.addMapping("/", (request, response, callback) -> new Echo());
        });
        server.setHandler(ws);
        server.start();
        Peers.ready(connector.getLocalPort());
        server.join();
    }

    /** Echoes each whole message; demand is automatic. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private Session session;

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
        }

        @Override
        public void onWebSocketText(String message) {
            session.sendText(message, Callback.NOOP);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            session.sendBinary(payload, callback);
        }
    }
}
