package dev.duplex;

import dev.duplex.testing.TestCertificates;
import dev.duplex.server.HandshakeDecision;
import dev.duplex.server.Message;
import dev.duplex.server.ServerWebSocket;
import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.OriginPolicy;
import dev.duplex.server.WebSocketServer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;

/**
 * Duplex's own server with the test handlers the web-platform-tests {@code websockets/handlers} provide:
 * <ul>
 *   <li>{@code /echo} — echoes every message in kind;</li>
 *   <li>{@code /protocol?select=P} — accepts and selects subprotocol {@code P} (default: the first offered);</li>
 *   <li>{@code /close?code=C&reason=R} — the server starts the closing handshake once open;</li>
 *   <li>{@code /terminate} — drops TCP without a closing handshake on the first message;</li>
 *   <li>{@code /reject?status=S} — answers the upgrade with status {@code S};</li>
 *   <li>{@code /headers} — sends back, as one text message, the request header named by each message.</li>
 * </ul>
 */
final class TestServer implements AutoCloseable {

    final WebSocketServer server;
    final boolean secure;

    private TestServer(SSLContext tls) {
        WebSocketServer.Builder b = WebSocketServer.builder()
                .port(0)
                .bindAddress("127.0.0.1")
                .originPolicy(OriginPolicy.any())
                .route("/echo", new WebSocketHandler() { // onMessage: no registration race at open
                    @Override
                    public void onOpen(ServerWebSocket ws) {
                    }

                    @Override
                    public void onMessage(ServerWebSocket ws, Message m) {
                        ws.send(m);
                    }
                })
                .route("/close", ws -> {
                    String code = ws.request().queryParam("code");
                    String reason = ws.request().queryParam("reason");
                    if (code == null) {
                        ws.close();
                    } else {
                        ws.close(Integer.parseInt(code), reason == null ? "" : reason);
                    }
                })
                .route("/terminate", ws -> ws.onmessage(m -> ws.terminate()))
                .route("/headers", ws -> ws.onmessage(m -> {
                    String v = ws.request().header(m.text());
                    ws.send(v == null ? "<none>" : v);
                }))
                .route("/protocol", ws -> ws.onmessage(ws::send))
                .route("/reject", ws -> { })
                .handshakeHook(req -> {
                    if (req.path().equals("/reject")) {
                        String s = req.queryParam("status");
                        return HandshakeDecision.reject(s == null ? 403 : Integer.parseInt(s), "rejected");
                    }
                    if (req.path().equals("/protocol")) {
                        String select = req.queryParam("select");
                        String offered = req.header("sec-websocket-protocol");
                        if (select != null) {
                            return HandshakeDecision.accept().subprotocol(select);
                        }
                        if (offered != null) {
                            return HandshakeDecision.accept().subprotocol(offered.split(",")[0].trim());
                        }
                    }
                    return HandshakeDecision.accept();
                });
        if (tls != null) {
            b.tls(tls);
        }
        this.server = b.build().start();
        this.secure = tls != null;
    }

    static TestServer plain() {
        return new TestServer(null);
    }

    static TestServer tls() throws Exception {
        return new TestServer(TestCertificates.get().serverContext());
    }

    int port() {
        return server.port();
    }

    /** {@code ws://127.0.0.1:port/path} (or wss://localhost:port/path with TLS, matching the certificate). */
    String url(String path) {
        return (secure ? "wss://localhost:" : "ws://127.0.0.1:") + port() + path;
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.close();
    }
}
