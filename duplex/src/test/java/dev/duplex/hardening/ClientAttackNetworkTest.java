package dev.duplex.hardening;

import dev.duplex.CloseEvent;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketOptions;
import dev.duplex.server.WebSocketServer;
import dev.duplex.transport.Leaks;
import dev.duplex.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile server against the browser-shaped client (row 23 of docs/hardening.md: wrong accept,
 * non-101, redirects, masked frames, bombs, a certificate for another host). Each attack must fail
 * the connection (close event 1006, not clean, never open) and release everything.
 */
class ClientAttackNetworkTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNone();
    }

    /** One scripted connection: reads the request head and hands it with the socket to {@code script}. */
    @FunctionalInterface
    interface Script {
        void run(Socket s, String requestHead) throws Exception;
    }

    private static final class Scripted implements AutoCloseable {
        final ServerSocket socket;
        final CompletableFuture<String> request = new CompletableFuture<>();
        final CompletableFuture<Void> done;

        Scripted(Script script) throws IOException {
            socket = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
            done = Target.onNewThread(() -> {
                try (Socket s = socket.accept()) {
                    s.setSoTimeout(60_000);
                    String head = readHead(s.getInputStream());
                    request.complete(head);
                    script.run(s, head);
                } catch (Exception e) {
                    request.completeExceptionally(e);
                    throw new IllegalStateException(e);
                }
            });
        }

        String url() {
            return "ws://127.0.0.1:" + socket.getLocalPort() + "/";
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in request head");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    private static String acceptFor(String head) throws Exception {
        String key = head.lines().filter(l -> l.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18))
                .findFirst().orElseThrow().substring(18).trim();
        byte[] sha1 = MessageDigest.getInstance("SHA-1")
                .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
        return Base64.getEncoder().encodeToString(sha1);
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** The client failed the connection: never opened, close event 1006 and not clean. */
    private static void assertFailed(WebSocket ws, AtomicBoolean opened) throws InterruptedException {
        CloseEvent e = ws.awaitClose(TIMEOUT);
        assertThat(e).as("close event").isNotNull();
        assertThat(e.code()).isEqualTo(1006);
        assertThat(e.wasClean()).isFalse();
        assertThat(opened.get()).as("open event").isFalse();
        assertThat(ws.readyState()).isEqualTo(WebSocket.CLOSED);
    }

    private static WebSocket connect(String url, AtomicBoolean opened) {
        return new WebSocket(url, WebSocketOptions.defaults(), ws -> ws.setOnopen(e -> opened.set(true)));
    }

    @Test
    void wrongAcceptKey() throws Exception {
        try (Scripted server = new Scripted((s, head) -> {
            write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
            s.getInputStream().readAllBytes();   // until the client drops TCP
        })) {
            AtomicBoolean opened = new AtomicBoolean();
            assertFailed(connect(server.url(), opened), opened);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 500 Oops\r\n\r\n",
        "HTTP/1.0 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n",
        "garbage\r\n\r\n"})
    void notASwitchingProtocolsResponse(String response) throws Exception {
        try (Scripted server = new Scripted((s, head) -> {
            write(s, response);
            s.getInputStream().readAllBytes();
        })) {
            AtomicBoolean opened = new AtomicBoolean();
            assertFailed(connect(server.url(), opened), opened);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(ints = {301, 302, 307, 308})
    void redirectIsNotFollowed(int status) throws Exception {
        // WHATWG WebSockets: the request's redirect mode is "error". Credentials never reach the target.
        try (ServerSocketChannel elsewhere = ServerSocketChannel.open()) {
            elsewhere.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            elsewhere.configureBlocking(false);
            String location = "ws://127.0.0.1:" + elsewhere.socket().getLocalPort() + "/stolen";
            try (Scripted server = new Scripted((s, head) -> {
                write(s, "HTTP/1.1 " + status + " Moved\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n");
                s.getInputStream().readAllBytes();
            })) {
                AtomicBoolean opened = new AtomicBoolean();
                WebSocket ws = new WebSocket(server.url(), WebSocketOptions.builder()
                        .header("Authorization", "Bearer secret").build(), w -> w.setOnopen(e -> opened.set(true)));
                assertFailed(ws, opened);
                assertThat(server.request.get(60, TimeUnit.SECONDS)).contains("Authorization: Bearer secret");
                assertThat(elsewhere.accept()).as("connection to the redirect target").isNull();
            }
        }
    }

    /** Accepts the upgrade (with {@code extraHeaders}), sends {@code attack}, returns the client's close code from the wire. */
    private static int clientCloseCodeAfter(String extraHeaders, byte[] attack) throws Exception {
        CompletableFuture<Integer> clientClose = new CompletableFuture<>();
        try (Scripted server = new Scripted((s, head) -> {
            write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptFor(head) + "\r\n" + extraHeaders + "\r\n");
            s.getOutputStream().write(attack);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            int b0 = in.read();
            int b1 = in.read();
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(b1 & 0x7F);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            clientClose.complete((b0 & 0x0F) == 8 && payload.length >= 2
                    ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1);
        })) {
            AtomicBoolean message = new AtomicBoolean();
            WebSocket ws = new WebSocket(server.url(), WebSocketOptions.defaults(), w -> w.setOnmessage(e -> message.set(true)));
            CloseEvent e = ws.awaitClose(TIMEOUT);
            assertThat(e).isNotNull();
            assertThat(e.wasClean()).isFalse();
            assertThat(message.get()).as("message delivered").isFalse();
            return clientClose.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void deflateBombFromTheServer() throws Exception {
        // 128 MiB of zeros in a ~128 KiB frame; the client takes messages up to 100 MiB (Limits.CLIENT),
        // counted after inflating, so it stops at the limit with 1009 instead of holding 128 MiB.
        byte[] bomb = deflatedZeros(128 << 20);
        byte[] frame = java.nio.ByteBuffer.allocate(10 + bomb.length).put((byte) 0xC2).put((byte) 127)
                .putLong(bomb.length).put(bomb).array();
        assertThat(clientCloseCodeAfter("Sec-WebSocket-Extensions: permessage-deflate\r\n", frame)).isEqualTo(1009);
    }

    /** {@code n} zero bytes as a raw DEFLATE stream ending in a sync flush (its 00 00 FF FF cut, RFC 7692 7.2.1). */
    static byte[] deflatedZeros(long n) {
        java.util.zip.Deflater d = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[64 << 10];
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (long left = n; left > 0; left -= zeros.length) {
            d.setInput(zeros, 0, (int) Math.min(zeros.length, left));
            while (!d.needsInput()) {
                out.write(buf, 0, d.deflate(buf, 0, buf.length, java.util.zip.Deflater.NO_FLUSH));
            }
        }
        int k;
        while ((k = d.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
            out.write(buf, 0, k);
            if (k < buf.length) {
                break;
            }
        }
        d.end();
        byte[] all = out.toByteArray();
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    @Test
    void hugeDeclaredLengthFromTheServer() throws Exception {
        byte[] header = {(byte) 0x82, 127, 0, 0, 0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        assertThat(clientCloseCodeAfter("", header)).isEqualTo(1009);
    }

    @Test
    void reservedOpcodeFromTheServer() throws Exception {
        assertThat(clientCloseCodeAfter("", new byte[] {(byte) 0x83, 0})).isEqualTo(1002);
    }

    @Test
    void maskedServerFrame() throws Exception {
        CompletableFuture<Integer> clientClose = new CompletableFuture<>();
        try (Scripted server = new Scripted((s, head) -> {
            write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + acceptFor(head) + "\r\n\r\n");
            // A masked text frame "hi" (key 0): servers must not mask (RFC 6455 5.1).
            s.getOutputStream().write(new byte[] {(byte) 0x81, (byte) 0x82, 0, 0, 0, 0, 'h', 'i'});
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            int b0 = in.read();
            int b1 = in.read();
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes(b1 & 0x7F);
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            clientClose.complete((b0 & 0x0F) == 8 && payload.length >= 2
                    ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1);
            in.readAllBytes();
        })) {
            AtomicBoolean opened = new AtomicBoolean();
            AtomicBoolean message = new AtomicBoolean();
            WebSocket ws = new WebSocket(server.url(), WebSocketOptions.defaults(), w -> {
                w.setOnopen(e -> opened.set(true));
                w.setOnmessage(e -> message.set(true));
            });
            CloseEvent e = ws.awaitClose(TIMEOUT);
            assertThat(e).isNotNull();
            assertThat(e.code()).isEqualTo(1006);
            assertThat(e.wasClean()).isFalse();
            assertThat(message.get()).as("masked frame delivered").isFalse();
            assertThat(clientClose.get(60, TimeUnit.SECONDS)).as("close code on the wire").isEqualTo(1002);
        }
    }

    @Test
    void certificateForAnotherHostIsRefused() throws Exception {
        // CVE-2020-11050: a trusted certificate for another name must not pass (hostname verification on).
        TestCertificates other = TestCertificates.forOtherHost();
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .tls(other.serverContext()).route("/echo", ws -> ws.onmessage(ws::send)).build().start()) {
            AtomicBoolean opened = new AtomicBoolean();
            WebSocket ws = new WebSocket("wss://localhost:" + server.port() + "/echo",
                    WebSocketOptions.builder().sslContext(other.clientContext()).build(),
                    w -> w.setOnopen(e -> opened.set(true)));
            assertFailed(ws, opened);
        }
    }
}
