package dev.duplex.conscrypt;

import dev.duplex.server.WebSocketHandler;
import dev.duplex.server.WebSocketServer;
import dev.duplex.testing.TestCertificates;
import dev.duplex.testing.TlsHandshakes;
import org.conscrypt.Conscrypt;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Duplex server on BoringSSL ({@link NativeTls#server}) against the JDK's own TLS and WebSocket
 * clients: messages of every size echo intact, the closing handshake completes, and a reconnecting
 * client resumes with the server's session ticket.
 */
class NativeTlsNetworkTest {

    @Test
    void boringSslLoadsHereAndMakesConscryptEngines() throws Exception {
        assertThat(NativeTls.available()).as(String.valueOf(NativeTls.unavailableReason())).isTrue();
        assertThat(NativeTls.unavailableReason()).isNull();
        SSLContext tls = NativeTls.server(TestCertificates.get().keyManagers());
        assertThat(Conscrypt.isConscrypt(tls.createSSLEngine())).isTrue();
        assertThat(Conscrypt.isConscrypt(tls.createSSLEngine("localhost", 443))).isTrue();
    }

    @Test
    void theJdkClientsMessagesEchoIntactAndTheCloseCompletes() throws Exception {
        TestCertificates certs = TestCertificates.get();
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(NativeTls.server(certs.keyManagers())).route("/", WebSocketHandler.echo()).build().start();
             HttpClient http = HttpClient.newBuilder().sslContext(certs.clientContext()).build()) {
            Received received = new Received();
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("wss://localhost:" + server.port() + "/"), received)
                    .get(10, TimeUnit.SECONDS);

            ws.sendText("hello over BoringSSL", true).get(10, TimeUnit.SECONDS);
            assertThat(received.next()).isEqualTo("hello over BoringSSL");

            // Larger than a TLS record (16 KiB) and than a socket read, so records span reads both ways.
            for (int size : new int[] {0, 1, 16_384, 16_385, 1 << 20}) {
                byte[] bytes = new byte[size];
                new Random(size).nextBytes(bytes);
                ws.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
                assertThat(received.next()).as("%d bytes", size).isEqualTo(HexFormat.of().formatHex(bytes));
            }

            ws.sendClose(4000, "done").get(10, TimeUnit.SECONDS);
            assertThat(received.next()).isEqualTo("close 4000 done");
        }
    }

    @Test
    void aReconnectingJdkClientResumesWithTheServersTicket() throws Exception {
        TestCertificates certs = TestCertificates.get();
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(NativeTls.server(certs.keyManagers())).route("/", WebSocketHandler.echo()).build().start()) {
            SSLContext client = certs.clientContext();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());

            TlsHandshakes.assertResumes(client, address);
        }
    }

    @Test
    void aClosedConnectionsEngineIsClosedBothWaysSoBoringSslFreesItsState() throws Exception {
        TestCertificates certs = TestCertificates.get();
        java.util.Queue<javax.net.ssl.SSLEngine> engines = new java.util.concurrent.ConcurrentLinkedQueue<>();
        SSLContext recording = ConfiguringContext.of(NativeTls.server(certs.keyManagers()), engines::add);
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(recording).route("/", WebSocketHandler.echo()).build().start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            // A clean close (the JDK socket sends close_notify) and a peer that just drops TCP mid-handshake.
            TlsHandshakes.upgradeAndClose(certs.clientContext(), address);
            try (java.net.Socket dropped = new java.net.Socket()) {
                dropped.connect(address, 5_000);
                dropped.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 0x01}); // a ClientHello's start
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline && (engines.size() < 2
                    || !engines.stream().allMatch(e -> e.isInboundDone() && e.isOutboundDone()))) {
                Thread.onSpinWait();
                Thread.yield();
            }
            assertThat(engines).hasSize(2);
            // Conscrypt frees the native SSL object when the second direction closes (not at GC).
            assertThat(engines).allSatisfy(e -> {
                assertThat(e.isInboundDone()).as("inbound done").isTrue();
                assertThat(e.isOutboundDone()).as("outbound done").isTrue();
            });
        }
    }

    /** What the JDK client received, a line per message or close, whole messages only. */
    private static final class Received implements WebSocket.Listener {
        private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        String next() throws InterruptedException {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("a message within 10 s").isNotNull();
            return line;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                lines.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                lines.add(HexFormat.of().formatHex(binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            lines.add("close " + code + " " + reason);
            return CompletableFuture.completedFuture(null);
        }
    }
}
