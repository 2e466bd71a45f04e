package dev.duplex.hardening;

import dev.duplex.protocol.Limits;
import dev.duplex.CloseEvent;
import dev.duplex.server.HttpReply;
import dev.duplex.server.ServerRecorder;
import dev.duplex.server.WebSocketServer;
import dev.duplex.transport.Clock;
import dev.duplex.transport.Leaks;
import dev.duplex.transport.ManualClock;
import dev.duplex.testing.RawClient;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server under attack: a real Duplex {@link WebSocketServer} on an ephemeral port, one event loop,
 * a manual clock for its timers, small limits so attacks reach them quickly, an echo route and a route
 * whose handler closes. {@link #assertSurvived()} is the check after every attack: the attacker's
 * connection is gone from the server and from the transport's resource counters, and a fresh client
 * still gets its echo.
 */
final class Target implements AutoCloseable {

    /**
     * 64 KiB frames, 256 KiB messages, any number of fragments (as the defaults: no fragment cap
     * ships), 8 KiB and 100 headers per handshake head.
     */
    static final Limits LIMITS = new Limits(64 << 10, 256 << 10, Limits.NO_FRAGMENT_LIMIT, 8192, 100);

    final ManualClock clock = new ManualClock();
    final ServerRecorder recorder = new ServerRecorder();
    final WebSocketServer server;

    Target() {
        this(b -> b);
    }

    Target(UnaryOperator<WebSocketServer.Builder> customize) {
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .limits(LIMITS)
                .route("/echo", recorder.around(ws -> ws.onmessage(ws::send)))
                .route("/close", recorder.around(ws -> ws.onmessage(m -> ws.close(4002, "server bye"))))
                .http("/health", req -> HttpReply.text(200, "ok"));
        setClock(b, clock);
        server = customize.apply(b).build().start();
    }

    /** The builder's clock hook is package-private (tests of the server package use it); reach it reflectively. */
    private static void setClock(WebSocketServer.Builder b, Clock clock) {
        try {
            Method m = WebSocketServer.Builder.class.getDeclaredMethod("clock", Clock.class);
            m.setAccessible(true);
            m.invoke(b, clock);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.port();
    }

    RawClient connect() throws IOException {
        return new RawClient(port());
    }

    RawClient upgraded() throws IOException {
        return RawClient.upgraded(port(), "/echo");
    }

    /**
     * Returns once the event loop has served every connection accepted before this call (so their
     * timers are armed on the manual clock): a plain HTTP exchange on a new connection, served by the
     * same single loop after them.
     */
    void barrier() throws IOException {
        try (RawClient h = connect()) {
            h.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(h.readAll()).startsWith("HTTP/1.1 200");
        }
    }

    /**
     * {@link #barrier()} for a TLS server: a complete TLS handshake plus an HTTP exchange on a new
     * connection, served by the single loop after the earlier ones.
     */
    void barrier2Tls() throws IOException {
        var factory = dev.duplex.testing.TestCertificates.get().clientContext().getSocketFactory();
        try (java.net.Socket s = factory.createSocket("localhost", port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        }
    }

    /** The next close event of a server-side socket. */
    CloseEvent nextClose() throws InterruptedException {
        return recorder.close();
    }

    /**
     * The attack is over: the server has dropped every attacking connection and released its
     * resources, and it still serves a normal client.
     */
    void assertSurvived() throws Exception {
        Leaks.assertNone();
        assertThat(server.connections()).as("server connections").isEmpty();
        try (RawClient c = upgraded()) {
            c.text("still serving");
            RawClient.Frame f = c.readFrame();
            assertThat(f.opcode()).isEqualTo(1);
            assertThat(f.text()).isEqualTo("still serving");
            c.close(1000, "");
            assertThat(c.readFrame().closeCode()).isEqualTo(1000);
            assertThat(c.awaitEof()).isTrue();
        }
        recorder.clear();
        Leaks.assertNone();
    }

    /** Runs {@code r} on a new daemon thread (never the common pool: attack helpers block on sockets). */
    static java.util.concurrent.CompletableFuture<Void> onNewThread(Runnable r) {
        return java.util.concurrent.CompletableFuture.runAsync(r, task -> {
            Thread t = new Thread(task, "attack-helper");
            t.setDaemon(true);
            t.start();
        });
    }

    @Override
    public void close() {
        server.close();
        Leaks.assertNone();
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers for attacks

    /** Writes what it can: a server that rejects early may reset the connection under a long write. */
    static void writeQuietly(RawClient c, byte[] bytes) {
        try {
            c.write(bytes);
        } catch (IOException expected) {
            // the server stopped reading (it answered and closed); the answer is still readable
        }
    }

    /** The HTTP status code of a response head. */
    static int status(String head) {
        return Integer.parseInt(head.substring(9, 12));
    }

    /** Reads frames, skipping data and pongs, until a close frame; returns its code. */
    static int awaitCloseCode(RawClient c) throws IOException {
        while (true) {
            RawClient.Frame f = c.readFrame();
            if (f.opcode() == 8) {
                return f.closeCode();
            }
        }
    }

    /** A client frame with an explicit first byte, raw length bytes (any encoding) and a zero mask. */
    static byte[] rawFrame(int b0, byte[] lengthBytes, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(1 + lengthBytes.length + 4 + payload.length);
        b.put((byte) b0).put(lengthBytes).put(new byte[4]).put(payload);
        return b.array();
    }

    /** A masked (zero key) client frame with the minimal length encoding. */
    static byte[] frame(int b0, byte[] payload) {
        int n = payload.length;
        byte[] len;
        if (n < 126) {
            len = new byte[] {(byte) (0x80 | n)};
        } else if (n < 65536) {
            len = new byte[] {(byte) (0x80 | 126), (byte) (n >>> 8), (byte) n};
        } else {
            len = ByteBuffer.allocate(9).put((byte) (0x80 | 127)).putLong(n).array();
        }
        return rawFrame(b0, len, payload);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
