package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.Limits;
import dev.duplex.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: on the event loop, parts are the loop's reused view and part objects, small frames the
 * loop pool's buffers, and large echoed parts windows on the read buffer. These tests fail if that
 * reuse ever hands out bytes that are not the message's: many messages in one read, a reader so
 * slow that echoes stay queued past the batch's end (and past later reads), a handler that keeps
 * the bytes of several parts; and the loop thread must allocate (almost) nothing per echoed part.
 */
class PartReuseNetworkTest {

    private static final Limits BIG = Limits.DEFAULTS.withMaxMessageSize(8 << 20).withMaxFrameSize(8 << 20);

    private record Msg(boolean text, byte[] bytes) {}

    /** Messages of every path: small frames (pool buffers), over 8 KiB (pool windows), text, empty. */
    private static List<Msg> messages(int count, long seed) {
        Random r = new Random(seed);
        List<Msg> all = new ArrayList<>();
        int[] sizes = {3, 100, 20_000, 9_000, 0, 70_000, 1_000};
        for (int i = 0; i < count; i++) {
            int n = sizes[i % sizes.length];
            if (i % 5 == 4) {
                all.add(new Msg(true, "é-".repeat(n / 3 + 1).getBytes(StandardCharsets.UTF_8)));
            } else {
                byte[] b = new byte[n];
                r.nextBytes(b);
                all.add(new Msg(false, b));
            }
        }
        return all;
    }

    /** A masked client frame (RFC 6455 5.2, 5.3) with a non-zero key: the server unmasks in place. */
    private static byte[] frame(Msg m, int key) {
        return dev.duplex.testing.RawClient.maskedFrame(true, m.text() ? 1 : 2, m.bytes(), key);
    }

    /** A raw client with a small receive buffer, so the server's echoes queue up while it does not read. */
    private static final class Client implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        Client(int port, String path) throws IOException {
            this(port, path, null);
        }

        /** With {@code tls}, over TLS (the server then decrypts into its loop's shared read buffer). */
        Client(int port, String path, javax.net.ssl.SSLContext tls) throws IOException {
            Socket plain = new Socket();
            plain.setReceiveBufferSize(4096);
            plain.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
            socket = tls == null ? plain : tls.getSocketFactory().createSocket(plain, "localhost", port, true);
            socket.setSoTimeout(60_000);
            socket.setTcpNoDelay(true);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101");
        }

        /** Writes everything from another thread (the server may stop reading until we read). */
        CompletableFuture<Void> writeInBackground(byte[] all) {
            return CompletableFuture.runAsync(() -> {
                try {
                    out.write(all);
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        /** The next whole message, its parts' frames joined. */
        Msg readMessage() throws IOException {
            ByteArrayOutputStream m = new ByteArrayOutputStream();
            Boolean text = null;
            while (true) {
                int b0 = in.readUnsignedByte();
                int b1 = in.readUnsignedByte();
                long n = b1 & 0x7F;
                if (n == 126) {
                    n = in.readUnsignedShort();
                } else if (n == 127) {
                    n = in.readLong();
                }
                byte[] p = new byte[(int) n];
                in.readFully(p);
                int op = b0 & 0x0F;
                assertThat(op).as("a data frame").isLessThan(8);
                if (text == null) {
                    assertThat(op).as("the first frame of a message").isNotZero();
                    text = op == 1;
                } else {
                    assertThat(op).as("a continuation").isZero();
                }
                m.writeBytes(p);
                if ((b0 & 0x80) != 0) {
                    return new Msg(text, m.toByteArray());
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static byte[] wire(List<Msg> sent) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < sent.size(); i++) {
            all.writeBytes(frame(sent.get(i), 0x9e3779b9 * (i + 1)));
        }
        return all.toByteArray();
    }

    /** Whether a server-side socket holds echoes it cannot write: our receive buffer is full. */
    private static boolean queuedOnServer(WebSocketServer server) {
        return server.connections().stream().anyMatch(ws -> ws.bufferedAmount() > 0);
    }

    private static void assertSame(List<Msg> sent, Client c) throws IOException {
        for (int i = 0; i < sent.size(); i++) {
            Msg got = c.readMessage();
            assertThat(got.text()).as("kind of message %d", i).isEqualTo(sent.get(i).text());
            assertThat(got.bytes()).as("message %d", i).isEqualTo(sent.get(i).bytes());
        }
    }

    @Test
    void echoOfManyMessagesPerReadToASlowReaderArrivesIntact() throws Exception {
        List<Msg> sent = messages(300, 7); // about 5 MiB: far more than the socket buffers hold
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .limits(BIG).route("/echo", WebSocketHandler.echo()).build().start();
             Client c = new Client(server.port(), "/echo")) {
            CompletableFuture<Void> written = c.writeInBackground(wire(sent));
            // not reading: echoes (pool frames, windows) stay queued on the server past their batches
            Await.until("echoes queued on the server", () -> queuedOnServer(server));
            assertSame(sent, c);
            written.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void echoOverTlsOfManyMessagesPerReadToASlowReaderArrivesIntact() throws Exception {
        // Two TLS connections on one loop: both decrypt into the loop's one read buffer, their parts
        // are lent from it, and what stays queued of them is copied before the next read.
        dev.duplex.testing.TestCertificates certs = dev.duplex.testing.TestCertificates.get();
        List<Msg> sent = messages(200, 13);
        List<Msg> other = messages(200, 17);
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .tls(certs.serverContext()).limits(BIG).route("/echo", WebSocketHandler.echo()).build().start();
             Client c = new Client(server.port(), "/echo", certs.clientContext());
             Client d = new Client(server.port(), "/echo", certs.clientContext())) {
            CompletableFuture<Void> written = c.writeInBackground(wire(sent));
            CompletableFuture<Void> writtenToo = d.writeInBackground(wire(other));
            Await.until("echoes queued on the server", () -> queuedOnServer(server));
            assertSame(sent, c);
            assertSame(other, d);
            written.get(60, TimeUnit.SECONDS);
            writtenToo.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHandlerThatKeepsTheBytesOfSeveralPartsGetsEveryByte() throws Exception {
        List<Msg> sent = messages(100, 11);
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .limits(BIG).route("/gather", ws -> {
                    List<byte[]> kept = new ArrayList<>();
                    List<MessagePart> parts = new ArrayList<>();
                    ws.onpart(p -> {
                        assertThat(p.isFirst()).isEqualTo(kept.isEmpty());
                        ByteBuffer d = p.data().duplicate();
                        byte[] b = new byte[d.remaining()];
                        d.get(b); // a copy: the view is valid only during this call
                        kept.add(b);
                        parts.add(p); // kept too, though promised for this call only
                        if (p.isLast()) {
                            ByteArrayOutputStream whole = new ByteArrayOutputStream();
                            kept.forEach(whole::writeBytes);
                            if (p.isText()) {
                                ws.send(whole.toString(StandardCharsets.UTF_8));
                            } else {
                                ws.send(whole.toByteArray());
                            }
                            kept.clear();
                            parts.clear();
                        }
                    });
                }).build().start();
             Client c = new Client(server.port(), "/gather")) {
            CompletableFuture<Void> written = c.writeInBackground(wire(sent));
            // not reading yet: the server reads many parts per read until it has all, or its echoes back up
            Await.until("the server to read everything or queue echoes",
                    () -> written.isDone() || queuedOnServer(server));
            assertSame(sent, c);
            written.get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * End to end on the socket path: what the loop thread allocates per echoed message, read with
     * {@code com.sun.management.ThreadMXBean} (through reflection: the module does not read
     * {@code jdk.management}). Before issue 7 it was about 280 B for a 32-byte message and 1,280 B
     * for a 1 KiB one; now it is 0 after warm-up, and the bound leaves room for timers and the like.
     */
    @Test
    void theLoopThreadAllocatesAlmostNothingPerEchoedMessage() throws Exception {
        CompletableFuture<Thread> loop = new CompletableFuture<>();
        WebSocketHandler echo = WebSocketHandler.echo();
        WebSocketHandler handler = new WebSocketHandler() {
            @Override
            public void onOpen(ServerWebSocket ws) {
                loop.complete(Thread.currentThread());
            }

            @Override
            public boolean receivesParts() {
                return true;
            }

            @Override
            public void onPart(ServerWebSocket ws, MessagePart part) {
                echo.onPart(ws, part);
            }
        };
        try (WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .limits(BIG).route("/echo", handler).build().start();
             Client c = new Client(server.port(), "/echo")) {
            long loopId = loop.get(60, TimeUnit.SECONDS).threadId();
            List<Msg> burst = List.of(new Msg(false, new byte[32]), new Msg(true, "x".repeat(1000).getBytes()),
                    new Msg(false, new byte[20_000]), new Msg(false, new byte[32]));
            byte[] wire = wire(burst);
            int rounds = 5_000;
            for (int r = 0; r < rounds; r++) { // warm-up
                c.out.write(wire);
                assertSame(burst, c);
            }
            long before = allocatedBytes(loopId);
            for (int r = 0; r < rounds; r++) {
                c.out.write(wire);
                assertSame(burst, c);
            }
            double perMessage = (double) (allocatedBytes(loopId) - before) / (rounds * burst.size());
            assertThat(perMessage).as("bytes allocated by the loop per echoed message").isLessThan(16);
        }
    }

    private static long allocatedBytes(long threadId) throws Exception {
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        Method m = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        return (long) m.invoke(mx, threadId);
    }
}
