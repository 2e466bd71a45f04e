package dev.duplex.server;

import dev.duplex.testing.CloseFields;
import dev.duplex.CloseEvent;
import dev.duplex.protocol.Limits;
import dev.duplex.transport.Leaks;
import dev.duplex.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JDK's {@code java.net.http.WebSocket} as a client of a Duplex server, over ws and wss (the JDK
 * client does not implement permessage-deflate): echoes from 0 B to 16 MiB, fragmented messages,
 * close codes both ways.
 */
class JdkClientInteropNetworkTest {

    private static final int[] SIZES = {0, 1, 125, 126, 127, 65535, 65536, 1 << 20, 16 << 20};

    private final BlockingQueue<CloseEvent> serverCloses = new LinkedBlockingQueue<>();

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNone();
    }

    /** Collects whole messages (the JDK delivers parts). */
    static final class Collector implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream bin = new java.io.ByteArrayOutputStream();

        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            bin.writeBytes(b);
            if (last) {
                messages.add(bin.toByteArray());
                bin = new java.io.ByteArrayOutputStream();
            }
            ws.request(1);
            return null;
        }

        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(code + " " + reason);
            return null;
        }

        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    /**
     * A server that echoes each part as it arrives ({@code ws.onpart(ws::sendPart)}): the JDK client
     * gets every message back intact, a 16 MiB message comes back in many parts (it was never held
     * whole), and a whole message sent while parts go out waits for the last part.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss", "ws-virtual-threads"})
    void jdkClientAgainstAServerEchoingParts(String scheme) throws Exception {
        boolean tls = scheme.equals("wss");
        boolean virtual = scheme.endsWith("virtual-threads"); // parts are copied for handlers off the loop
        java.util.concurrent.atomic.AtomicInteger parts = new java.util.concurrent.atomic.AtomicInteger();
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .limits(Limits.DEFAULTS.withMaxMessageSize(32 << 20).withMaxFrameSize(32 << 20))
                .route("/parts", ws -> ws.onpart(p -> {
                    parts.incrementAndGet();
                    ws.sendPart(p);
                    if (p.isFirst() && !p.isLast() && p.isText() && p.data().remaining() == 4) { // "frag" 
                        ws.send("[whole, after the parts]"); // must not land inside the echoed message
                    }
                }).onclose(serverCloses::add))
                .route("/echo-handler", WebSocketHandler.echo()) // the stateless parts echo
                .virtualThreadHandlers(virtual);
        HttpClient.Builder cb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60));
        if (tls) {
            b.tls(TestCertificates.get().serverContext());
            cb.sslContext(TestCertificates.get().clientContext());
        }
        HttpClient client = cb.build(); // shut down, not closed: close() would wait for a socket a failed assertion left open
        try (WebSocketServer server = b.build().start()) {
            String base = (tls ? "wss" : "ws") + "://" + (tls ? "localhost" : "127.0.0.1") + ":" + server.port();
            Collector c = new Collector();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create(base + "/parts"), c).get(60, TimeUnit.SECONDS);
            for (int n : SIZES) {
                byte[] bytes = new byte[n];
                new Random(n).nextBytes(bytes);
                int before = parts.get();
                ws.sendBinary(ByteBuffer.wrap(bytes), true).get(120, TimeUnit.SECONDS);
                assertThat((byte[]) c.messages.poll(120, TimeUnit.SECONDS)).isEqualTo(bytes);
                if (n == 16 << 20) {
                    assertThat(parts.get() - before).as("a 16 MiB message streamed in parts").isGreaterThan(8);
                }
            }
            // the library's stateless echo handler streams too
            Collector e = new Collector();
            WebSocket ws2 = client.newWebSocketBuilder().buildAsync(URI.create(base + "/echo-handler"), e).get(60, TimeUnit.SECONDS);
            byte[] sixteen = new byte[16 << 20];
            new Random(3).nextBytes(sixteen);
            ws2.sendBinary(ByteBuffer.wrap(sixteen), true).get(120, TimeUnit.SECONDS);
            assertThat((byte[]) e.messages.poll(120, TimeUnit.SECONDS)).isEqualTo(sixteen);
            ws2.sendText("héllo", true).get(60, TimeUnit.SECONDS);
            assertThat(e.messages.poll(60, TimeUnit.SECONDS)).isEqualTo("héllo");
            ws2.sendClose(4003, "echo my reason").get(60, TimeUnit.SECONDS);
            assertThat(e.closed.get(60, TimeUnit.SECONDS)).isEqualTo("4003 echo my reason");

            String big = "é€😀x".repeat(100_000); // characters split across reads and parts
            ws.sendText(big, true).get(120, TimeUnit.SECONDS);
            assertThat(c.messages.poll(120, TimeUnit.SECONDS)).isEqualTo(big);
            ws.sendText("frag", false).get(60, TimeUnit.SECONDS);
            ws.sendText("mented", true).get(60, TimeUnit.SECONDS);
            assertThat(c.messages.poll(60, TimeUnit.SECONDS)).isEqualTo("fragmented");
            assertThat(c.messages.poll(60, TimeUnit.SECONDS)).isEqualTo("[whole, after the parts]");
            ws.sendClose(4001, "bye").get(60, TimeUnit.SECONDS);
            assertThat(c.closed.get(60, TimeUnit.SECONDS)).startsWith("4001");
            assertThat(CloseFields.of(serverCloses.poll(60, TimeUnit.SECONDS))).isEqualTo(new CloseFields(4001, "bye", true));
        } finally {
            client.shutdownNow();
        }
    }

    /**
     * A part lent by one connection's read, sent on to another connection of the same loop (as a
     * whole message and as a part): the other connection keeps a copy, not a view of a read buffer
     * that the next read overwrites.
     */
    @org.junit.jupiter.api.Test
    void aLentPartForwardedToAnotherConnectionArrivesIntact() throws Exception {
        java.util.Set<ServerWebSocket> members = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch bothJoined = new java.util.concurrent.CountDownLatch(2);
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .limits(Limits.DEFAULTS.withMaxMessageSize(32 << 20).withMaxFrameSize(32 << 20))
                .route("/relay", ws -> {
                    members.add(ws);
                    bothJoined.countDown();
                    ws.onpart(p -> {
                        for (ServerWebSocket other : members) {
                            if (other != ws) {
                                if (p.isFirst() && p.isLast()) {
                                    other.send(Message.binary(p.data())); // a whole message: no copy asked for
                                } else {
                                    other.sendPart(p);
                                }
                            }
                        }
                    }).onclose(e -> members.remove(ws));
                });
        HttpClient client = HttpClient.newHttpClient();
        try (WebSocketServer server = b.build().start()) {
            String url = "ws://127.0.0.1:" + server.port() + "/relay";
            Collector in = new Collector();
            WebSocket receiver = client.newWebSocketBuilder().buildAsync(URI.create(url), in).get(60, TimeUnit.SECONDS);
            WebSocket sender = client.newWebSocketBuilder().buildAsync(URI.create(url), new Collector()).get(60, TimeUnit.SECONDS);
            assertThat(bothJoined.await(60, TimeUnit.SECONDS)).as("both sockets open on the server").isTrue();
            for (int n : new int[] {100_000, 4 << 20}) {
                byte[] bytes = new byte[n];
                new Random(n).nextBytes(bytes);
                sender.sendBinary(ByteBuffer.wrap(bytes), true).get(120, TimeUnit.SECONDS);
                assertThat((byte[]) in.messages.poll(120, TimeUnit.SECONDS)).isEqualTo(bytes);
            }
            sender.sendClose(1000, "").get(60, TimeUnit.SECONDS);
            receiver.sendClose(1000, "").get(60, TimeUnit.SECONDS);
        } finally {
            client.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ws", "wss"})
    void jdkClientAgainstDuplexServer(String scheme) throws Exception {
        boolean tls = scheme.equals("wss");
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).bindAddress("127.0.0.1")
                .limits(Limits.DEFAULTS.withMaxMessageSize(32 << 20).withMaxFrameSize(32 << 20))
                .route("/echo", ws -> ws.onmessage(ws::send).onclose(serverCloses::add))
                .route("/close", ws -> ws.onmessage(m -> ws.close(4002, "server bye")));
        HttpClient.Builder cb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60));
        if (tls) {
            b.tls(TestCertificates.get().serverContext());
            cb.sslContext(TestCertificates.get().clientContext());
        }
        try (WebSocketServer server = b.build().start(); HttpClient client = cb.build()) {
            String base = scheme + "://" + (tls ? "localhost" : "127.0.0.1") + ":" + server.port();
            Collector c = new Collector();
            WebSocket ws = client.newWebSocketBuilder().buildAsync(URI.create(base + "/echo"), c).get(60, TimeUnit.SECONDS);
            for (int n : SIZES) {
                String t = "é".repeat(n / 2) + "x".repeat(n % 2);
                if (n <= 1 << 20) {
                    ws.sendText(t, true).get(120, TimeUnit.SECONDS);
                    assertThat(c.messages.poll(120, TimeUnit.SECONDS)).isEqualTo(t);
                }
                byte[] bytes = new byte[n];
                new Random(n).nextBytes(bytes);
                ws.sendBinary(ByteBuffer.wrap(bytes), true).get(120, TimeUnit.SECONDS);
                assertThat((byte[]) c.messages.poll(120, TimeUnit.SECONDS)).isEqualTo(bytes);
            }
            // RFC 6455 5.4: fragments are reassembled into one message
            ws.sendText("frag", false).get(60, TimeUnit.SECONDS);
            ws.sendText("mented", true).get(60, TimeUnit.SECONDS);
            assertThat(c.messages.poll(60, TimeUnit.SECONDS)).isEqualTo("fragmented");
            ws.sendClose(4001, "bye").get(60, TimeUnit.SECONDS);
            assertThat(c.closed.get(60, TimeUnit.SECONDS)).startsWith("4001");
            assertThat(CloseFields.of(serverCloses.poll(60, TimeUnit.SECONDS))).isEqualTo(new CloseFields(4001, "bye", true));

            Collector d = new Collector();
            WebSocket ws2 = client.newWebSocketBuilder().buildAsync(URI.create(base + "/close"), d).get(60, TimeUnit.SECONDS);
            ws2.sendText("close me", true).get(60, TimeUnit.SECONDS);
            assertThat(d.closed.get(60, TimeUnit.SECONDS)).isEqualTo("4002 server bye");
            // the JDK client echoes the close itself once onClose returns
        }
    }
}
