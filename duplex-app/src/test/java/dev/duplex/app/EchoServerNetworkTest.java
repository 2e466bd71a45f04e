package dev.duplex.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code duplex echo} against the JDK's WebSocket client: what comes back, on which paths, and the limits. */
class EchoServerNetworkTest {

    private static final int PATIENCE_SECONDS = 60;
    private static RunningServer server;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        // A small limit, so the over-limit case stays cheap.
        server = EchoServer.start(ServerSettings.loopback(0, 4L << 20));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        server.close();
        http.close();
    }

    /** Collects whole messages (Strings or byte arrays) and the close. */
    static final class Peer implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private StringBuilder text = new StringBuilder();
        private ByteBuffer bytes = ByteBuffer.allocate(0);

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text = new StringBuilder();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            ByteBuffer grown = ByteBuffer.allocate(bytes.position() + data.remaining());
            grown.put(bytes.flip()).put(data);
            bytes = grown;
            if (last) {
                messages.add(Arrays.copyOf(bytes.array(), bytes.position()));
                bytes = ByteBuffer.allocate(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closeCode.completeExceptionally(error);
        }

        Object next() throws InterruptedException {
            Object m = messages.poll(PATIENCE_SECONDS, TimeUnit.SECONDS);
            assertThat(m).as("a message within %d s", PATIENCE_SECONDS).isNotNull();
            return m;
        }
    }

    private static WebSocket connect(String path, Peer peer) throws Exception {
        return http.newWebSocketBuilder().buildAsync(URI.create(server.wsUrl(path)), peer)
                .get(PATIENCE_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void textComesBackAsTextAndBinaryAsBinaryOnAnyPath() throws Exception {
        for (String path : new String[] {"/", "/echo", "/a/b/c?x=1"}) {
            Peer peer = new Peer();
            WebSocket ws = connect(path, peer);
            ws.sendText("héllo " + path, true).join();
            assertThat(peer.next()).isEqualTo("héllo " + path);
            byte[] data = new byte[300];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) i;
            }
            ws.sendBinary(ByteBuffer.wrap(data), true).join();
            assertThat(peer.next()).isEqualTo(data);
            ws.sendText("", true).join();
            assertThat(peer.next()).isEqualTo("");
            ws.sendClose(1000, "").join();
            assertThat(peer.closeCode.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    @Test
    void bigMessagesAreFineAndTheCloseCodeComesBack() throws Exception {
        Peer peer = new Peer();
        WebSocket ws = connect("/echo", peer);
        String big = "0123456789abcdef".repeat(3 << 16);   // 3 MiB, over the library's 1 MiB default
        ws.sendText(big, true).join();
        assertThat(peer.next()).isEqualTo(big);
        ws.sendClose(4000, "bye").join();
        assertThat(peer.closeCode.get(PATIENCE_SECONDS, TimeUnit.SECONDS)).isEqualTo(4000);
    }

    @Test
    void aMessageOverTheLimitIsClosedWith1009() throws Exception {
        // Only the frame's header: the server refuses from the declared length, before the payload.
        // (A client still writing the payload when the server closes may see its connection reset
        // instead of the close frame, so the whole message is not sent.)
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(PATIENCE_SECONDS * 1000);
            java.io.OutputStream out = s.getOutputStream();
            out.write(("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            java.io.InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101");
            long length = (4L << 20) + 1; // one byte over duplex echo's 4 MiB limit here
            out.write(ByteBuffer.allocate(14).put((byte) 0x82).put((byte) (0x80 | 127)).putLong(length)
                    .putInt(0).array()); // binary, masked with key 0, 64-bit length
            out.flush();
            int b0 = in.read();
            int b1 = in.read();
            assertThat(b0 & 0x0F).as("a close frame").isEqualTo(8);
            byte[] payload = in.readNBytes(b1 & 0x7F);
            assertThat(((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF)).isEqualTo(1009);
        }
    }

    private static String readHead(java.io.InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    @Test
    void thePageAndHealthAreServedOverPlainHttp() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("id=\"status-label\"", "id=\"text-view\"", "id=\"send-button\"",
                "id=\"stop-button\"", "id=\"image-picker\"", "id=\"log\"");
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + "health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
    }
}
