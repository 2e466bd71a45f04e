package dev.duplex.server;

import dev.duplex.testing.CloseFields;
import dev.duplex.CloseEvent;
import dev.duplex.ReadyState;
import dev.duplex.transport.Leaks;
import dev.duplex.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Server features seen from real clients: routing, hooks, origin policy, HTTP, shutdown, failures. */
class ServerFeaturesNetworkTest {

    private final BlockingQueue<Object> seen = new LinkedBlockingQueue<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

    @AfterEach
    void nothingLeaks() {
        http.close();
        Leaks.assertNone();
    }

    private static WebSocketServer.Builder base() {
        return WebSocketServer.builder().port(0).bindAddress("127.0.0.1");
    }

    /** A JDK WebSocket client whose received texts and close land in queues. */
    static final class JdkClient implements WebSocket.Listener {
        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private final StringBuilder sb = new StringBuilder();

        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            sb.append(data);
            if (last) {
                texts.add(sb.toString());
                sb.setLength(0);
            }
            w.request(1);
            return null;
        }

        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }

        public void onError(WebSocket w, Throwable error) {
            closed.complete("error " + error);
        }
    }

    private WebSocket connect(HttpClient client, String url, JdkClient listener, String... subprotocols) throws Exception {
        WebSocket.Builder b = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60));
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(URI.create(url), listener).get(60, TimeUnit.SECONDS);
    }

    @Test
    void pathParamsQueryHookAttachmentAndSubprotocol() throws Exception {
        try (WebSocketServer server = base().subprotocols("chat.v2", "chat.v1")
                .handshakeHook(req -> req.queryParam("token") == null
                        ? HandshakeDecision.reject(401, "token required")
                        : HandshakeDecision.accept().attach("user-" + req.queryParam("token")
                                        + (req.header("sec-websocket-key") != null ? "" : " (the hook saw no key)"))
                                .header("X-Duplex", "yes"))
                .route("/chat/{room}", ws -> {
                    seen.add(ws.pathParam("room") + " " + ws.attachment() + " " + ws.protocol()
                            + " " + ws.request().header("x-custom") + " " + ws.readyState()
                            + " " + ws.request().header("sec-websocket-key")); // not kept past the handshake
                    ws.send("welcome to " + ws.pathParam("room"));
                })
                .build().start()) {
            JdkClient l = new JdkClient();
            WebSocket ws = http.newWebSocketBuilder().header("X-Custom", "42").subprotocols("chat.v1", "chat.v2")
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/chat/lobby?token=ann"), l)
                    .get(60, TimeUnit.SECONDS);
            assertThat(ws.getSubprotocol()).isEqualTo("chat.v2");   // the server's preference wins
            assertThat(seen.poll(60, TimeUnit.SECONDS)).isEqualTo("lobby user-ann chat.v2 42 OPEN null");
            assertThat(l.texts.poll(60, TimeUnit.SECONDS)).isEqualTo("welcome to lobby");
            ws.sendClose(1000, "").get(60, TimeUnit.SECONDS);
            assertThat(l.closed.get(60, TimeUnit.SECONDS)).startsWith("1000");

            try (RawClient raw = new RawClient(server.port())) {
                raw.write(("GET /chat/lobby HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes());
                String reply = raw.readAll();
                assertThat(reply).startsWith("HTTP/1.1 401").endsWith("token required");
            }
        }
    }

    @Test
    void originPolicyDefaultAcceptsSameHostAndNoOriginRejectsOthers() throws Exception {
        try (WebSocketServer server = base().route("/echo", ws -> ws.onmessage(ws::send)).build().start()) {
            int port = server.port();
            assertThat(upgradeStatus(port, "127.0.0.1:" + port, null)).isEqualTo(101);
            assertThat(upgradeStatus(port, "127.0.0.1:" + port, "http://127.0.0.1:" + port)).isEqualTo(101);
            assertThat(upgradeStatus(port, "127.0.0.1:" + port, "https://evil.example")).isEqualTo(403);
            assertThat(upgradeStatus(port, "127.0.0.1:" + port, "http://127.0.0.1:1")).isEqualTo(403);
        }
        try (WebSocketServer server = base().allowedOrigins("https://app.example")
                .route("/echo", ws -> { }).build().start()) {
            int port = server.port();
            assertThat(upgradeStatus(port, "127.0.0.1", "https://app.example")).isEqualTo(101);
            assertThat(upgradeStatus(port, "127.0.0.1", "http://127.0.0.1")).isEqualTo(403);
        }
    }

    private static int upgradeStatus(int port, String host, String origin) throws Exception {
        try (RawClient raw = new RawClient(port)) {
            raw.write(("GET /echo HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + (origin == null ? "" : "Origin: " + origin + "\r\n")
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes());
            String head = raw.readHead();
            int status = Integer.parseInt(head.substring(9, 12));
            if (status == 101) {
                raw.close(1000, "");
                raw.readFrame();
            }
            return status;
        }
    }

    @Test
    void unknownPathAndBadUpgradeGetHttpErrors() throws Exception {
        try (WebSocketServer server = base().route("/echo", ws -> { }).build().start();
             RawClient raw = new RawClient(server.port())) {
            raw.write(("GET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes());
            assertThat(raw.readAll()).startsWith("HTTP/1.1 404");
        }
        try (WebSocketServer server = base().route("/echo", ws -> { }).build().start();
             RawClient raw = new RawClient(server.port())) {
            raw.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n").getBytes());
            String reply = raw.readAll();
            assertThat(reply).startsWith("HTTP/1.1 426").contains("Sec-WebSocket-Version: 13");
        }
    }

    @Test
    void plainHttpStaticFilesHeadHealth404And405(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<h1>hi</h1>");
        Files.createDirectories(dir.resolve("js"));
        Files.writeString(dir.resolve("js/app.js"), "console.log(1)");
        try (WebSocketServer server = base()
                .http("/health", req -> HttpReply.json(200, "{\"status\":\"up\"}"))
                .staticFiles("/", dir)
                .route("/ws", ws -> { })
                .build().start()) {
            String root = "http://127.0.0.1:" + server.port();
            HttpResponse<String> index = get(root + "/");
            assertThat(index.statusCode()).isEqualTo(200);
            assertThat(index.body()).isEqualTo("<h1>hi</h1>");
            assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            HttpResponse<String> js = get(root + "/js/app.js");
            assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
            HttpResponse<String> head = http.send(HttpRequest.newBuilder(URI.create(root + "/js/app.js"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(head.headers().firstValue("content-length")).hasValue("14");
            HttpResponse<String> health = get(root + "/health");
            assertThat(health.body()).isEqualTo("{\"status\":\"up\"}");
            assertThat(get(root + "/missing.txt").statusCode()).isEqualTo(404);
            assertThat(get(root + "/../etc/passwd").statusCode()).isEqualTo(404);
            assertThat(get(root + "/ws").statusCode()).isEqualTo(426);
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(root + "/index.html"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        }
    }

    @Test
    void staticFilesFromTheClasspath() throws Exception {
        try (WebSocketServer server = base().staticResources("/", "peers").build().start()) {
            HttpResponse<String> r = get("http://127.0.0.1:" + server.port() + "/node_client.js");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("Interop peer");
            assertThat(r.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void clientThatVanishesEndsWith1006AndLeaksNothing() throws Exception {
        ServerRecorder recorder = new ServerRecorder();
        try (WebSocketServer server = base().route("/echo", recorder.around(ws -> { })).build().start()) {
            RawClient c = RawClient.upgraded(server.port(), "/echo");
            assertThat(recorder.next()).isInstanceOf(ServerRecorder.Opened.class);
            c.vanish();
            ServerRecorder.Seen next = recorder.next();
            if (next instanceof ServerRecorder.Failed) {
                next = recorder.next();   // a reset is an I/O error; an EOF is not
            }
            assertThat(next).isInstanceOfSatisfying(ServerRecorder.Closed.class,
                    closed -> assertThat(CloseFields.of(closed.event())).isEqualTo(new CloseFields(1006, "", false)));
            assertThat(server.connections()).isEmpty();
        }
    }

    @Test
    void stopSendsGoingAwayToEveryOpenSocket() throws Exception {
        ServerRecorder recorder = new ServerRecorder();
        WebSocketServer server = base().shutdownGrace(Duration.ofSeconds(30))
                .route("/echo", recorder.around(ws -> ws.onmessage(ws::send))).build().start();
        List<JdkClient> listeners = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            JdkClient l = new JdkClient();
            WebSocket ws = connect(http, "ws://127.0.0.1:" + server.port() + "/echo", l);
            ws.sendText("hi " + i, true);
            assertThat(l.texts.poll(60, TimeUnit.SECONDS)).isEqualTo("hi " + i);
            listeners.add(l);
        }
        assertThat(server.connections()).hasSize(3);
        server.stop();
        for (JdkClient l : listeners) {
            assertThat(l.closed.get(60, TimeUnit.SECONDS)).startsWith("1001");
        }
        for (int i = 0; i < 3; i++) {
            assertThat(CloseFields.of(recorder.close())).isEqualTo(new CloseFields(1001, "", true));
        }
        assertThat(new RawClientProbe(server.port()).refused()).isTrue();
    }

    /** Whether a port refuses connections. */
    record RawClientProbe(int port) {
        boolean refused() {
            try (RawClient c = new RawClient(port)) {
                return false;
            } catch (java.io.IOException e) {
                return true;
            }
        }
    }

    @Test
    void handlerExceptionClosesWith1011AndReportsNothingElse() throws Exception {
        try (WebSocketServer server = base().route("/boom", ws -> ws.onmessage(m -> {
            throw new IllegalStateException("handler bug");
        })).build().start(); RawClient c = RawClient.upgraded(server.port(), "/boom")) {
            c.text("x");
            assertThat(c.readFrame().closeCode()).isEqualTo(1011);
        }
    }

    @Test
    void virtualThreadHandlersMayBlockAndStayOrdered() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        try (WebSocketServer server = base().virtualThreadHandlers(true).route("/slow", ws -> ws.onmessage(m -> {
            assertThat(Thread.currentThread().isVirtual()).isTrue();
            order.add(m.text());
            try {
                Thread.sleep(1); // not a wait: the handler blocks, as it may on a virtual thread
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ws.send(m);
        })).build().start(); RawClient c = RawClient.upgraded(server.port(), "/slow")) {
            for (int i = 0; i < 200; i++) {
                c.text("m" + i);
            }
            for (int i = 0; i < 200; i++) {
                assertThat(c.readFrame().text()).isEqualTo("m" + i);
            }
            assertThat(order).hasSize(200);
            c.close(1000, "");
            c.readFrame();
        }
    }

    @Test
    void broadcastReachesEveryOpenSocketAndClosesSlowOnesByPolicy() throws Exception {
        ServerRecorder recorder = new ServerRecorder();
        try (WebSocketServer server = base().route("/room", recorder.around(ws -> { })).build().start();
             RawClient a = RawClient.upgraded(server.port(), "/room");
             RawClient b = RawClient.upgraded(server.port(), "/room")) {
            recorder.opened();
            recorder.opened();
            int n = Broadcast.text("to all").sendTo(server.connections());
            assertThat(n).isEqualTo(2);
            assertThat(a.readFrame().text()).isEqualTo("to all");
            assertThat(b.readFrame().text()).isEqualTo("to all");
            int none = Broadcast.binary(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                    .sendTo(server.connections(), -1, Broadcast.Overflow.CLOSE);
            assertThat(none).isZero();
            assertThat(a.readFrame().closeCode()).isEqualTo(1008);
            assertThat(b.readFrame().closeCode()).isEqualTo(1008);
            for (ServerWebSocket ws : server.connections()) {
                assertThat(ws.readyState()).isIn(ReadyState.CLOSING, ReadyState.CLOSED);
            }
        }
    }

    @Test
    void sendsFromOneSocketsHandlerToOthersLeaveTogetherAtTheEndOfItsRead() throws Exception {
        java.util.concurrent.atomic.AtomicReference<WebSocketServer> self = new java.util.concurrent.atomic.AtomicReference<>();
        // one loop: both sockets on it, so b's sends are made on the loop, inside a's read
        ServerRecorder recorder = new ServerRecorder();
        try (WebSocketServer server = base().threads(1).route("/room", recorder.around(ws -> {
            ws.onmessage(m -> {
                for (int i = 0; i < 20; i++) {
                    for (ServerWebSocket other : self.get().connections()) {
                        if (other != ws) {
                            other.send(m.text() + i);
                        }
                    }
                }
            });
        })).build().start(); RawClient a = RawClient.upgraded(server.port(), "/room");
             RawClient b = RawClient.upgraded(server.port(), "/room")) {
            self.set(server);
            recorder.opened();
            recorder.opened();
            a.text("m");
            assertThat(b.readFrame().text()).isEqualTo("m0");
            // the 20 messages left in one write (one per message without the deferred flush), so
            // the other 19 frames (2-byte header, 2-3 byte payload) are there with the first
            assertThat(b.available()).isEqualTo(9 * 4 + 10 * 5);
            for (int i = 1; i < 20; i++) {
                assertThat(b.readFrame().text()).isEqualTo("m" + i);
            }
            b.text("n"); // and back: a's sends, made inside b's read, leave together too
            assertThat(a.readFrame().text()).isEqualTo("n0");
            assertThat(a.available()).isEqualTo(9 * 4 + 10 * 5);
        }
    }

    @Test
    void failedTlsHandshakeLeaksNothingAndTheServerKeepsServing() throws Exception {
        try (WebSocketServer server = base().tls(dev.duplex.testing.TestCertificates.get().serverContext())
                .route("/echo", ws -> ws.onmessage(ws::send)).build().start()) {
            String url = "wss://localhost:" + server.port() + "/echo";
            // the default trust store does not know our self-signed certificate
            try (HttpClient untrusting = HttpClient.newHttpClient()) {
                assertThat(untrusting.newWebSocketBuilder().buildAsync(URI.create(url), new JdkClient()))
                        .failsWithin(60, TimeUnit.SECONDS);
            }
            // garbage instead of a ClientHello
            try (RawClient raw = new RawClient(server.port())) {
                raw.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
                assertThat(raw.awaitEof()).isTrue();
            }
            try (HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(dev.duplex.testing.TestCertificates.get().clientContext()).build()) {
                JdkClient l = new JdkClient();
                WebSocket ws = connect(trusting, url, l);
                ws.sendText("still serving", true);
                assertThat(l.texts.poll(60, TimeUnit.SECONDS)).isEqualTo("still serving");
                ws.sendClose(1000, "").get(60, TimeUnit.SECONDS);
                assertThat(l.closed.get(60, TimeUnit.SECONDS)).startsWith("1000");
            }
        }
    }

    @Test
    void aPeerThatDoesNotReadIsDroppedAtTheSendQueueLimit() throws Exception {
        byte[] chunk = new byte[256 * 1024];
        try (WebSocketServer server = base().maxBufferedBytes(4 << 20).route("/flood", new WebSocketHandler() {
            public void onOpen(ServerWebSocket ws) {
                // on the loop: every send is queued; the socket fills up because the peer never reads
                while (ws.send(chunk)) {
                    seen.add("sent");
                    if (ws.readyState() != ReadyState.OPEN) {
                        break;
                    }
                }
            }

            public void onError(ServerWebSocket ws, Throwable error) {
                seen.add("error " + error.getMessage());
            }

            public void onClose(ServerWebSocket ws, CloseEvent e) {
                seen.add(e);
            }
        }).build().start(); RawClient c = RawClient.upgraded(server.port(), "/flood")) {
            Object o;
            do {
                o = seen.poll(60, TimeUnit.SECONDS);
            } while ("sent".equals(o));
            assertThat(o).asString().startsWith("error send queue over");
            assertThat(CloseFields.of((CloseEvent) seen.poll(60, TimeUnit.SECONDS))).isEqualTo(new CloseFields(1006, "send queue over its limit", false));
        }
    }

    @Test
    void handlersAreNeverNestedWhenOneClosesMidBatch() throws Exception {
        java.util.concurrent.atomic.AtomicInteger depth = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger maxDepth = new java.util.concurrent.atomic.AtomicInteger();
        try (WebSocketServer server = base().route("/x", ws -> ws.onmessage(m -> {
            maxDepth.accumulateAndGet(depth.incrementAndGet(), Math::max);
            seen.add(m.text());
            if (m.text().equals("a")) {
                ws.close(1000, "enough");
            }
            depth.decrementAndGet();
        }).onclose(seen::add)).build().start(); RawClient c = RawClient.upgraded(server.port(), "/x")) {
            // three frames in one write: one read, one batch
            byte[] a = {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'a'};
            byte[] b = {(byte) 0x81, (byte) 0x81, 0, 0, 0, 0, 'b'};
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.writeBytes(a);
            all.writeBytes(b);
            all.writeBytes(b);
            c.write(all.toByteArray());
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
            c.close(1000, "");
            assertThat(seen.poll(60, TimeUnit.SECONDS)).isEqualTo("a");
            Object next;
            while ((next = seen.poll(60, TimeUnit.SECONDS)) instanceof String) {
                assertThat(next).isEqualTo("b");
            }
            assertThat(CloseFields.of((CloseEvent) next)).isEqualTo(new CloseFields(1000, "", true));
            assertThat(maxDepth.get()).isEqualTo(1);
        }
    }
}
