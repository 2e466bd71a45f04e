package dev.duplex;

import dev.duplex.testing.TestCertificates;
import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The non-browser extras: TLS, custom headers, CONNECT proxy, keep-alive with a dead-peer timeout, the send limit. */
class OptionsNetworkTest extends ServerTestBase {

    @Test
    void wssWithATrustedCertificate() throws Exception {
        try (TestServer tls = TestServer.tls()) {
            WebSocket ws = new WebSocket(tls.url("/echo"),
                    WebSocketOptions.builder().sslContext(TestCertificates.get().clientContext()).build());
            assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
            ClientRecorder r = ClientRecorder.on(ws);
            ws.send("over tls");
            assertThat(r.message().data()).isEqualTo("over tls");
            ws.close();
            assertThat(awaitClose(ws).wasClean()).isTrue();
        }
    }

    @Test
    void wssWithAnUntrustedCertificateFails() throws Exception {
        try (TestServer tls = TestServer.tls()) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(tls.url("/echo")); // the JDK's default trust store
            assertThat(r.typesUntilClose()).containsExactly("error", "close");
            assertThat(ws.awaitClose(TIMEOUT).code()).isEqualTo(1006); // never 1015
        }
    }

    @Test
    void customHeadersReachTheServer() throws Exception {
        WebSocket ws = new WebSocket(server.url("/headers"), WebSocketOptions.builder()
                .header("Authorization", "Bearer t0ken").header("X-Custom", "yes").build());
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        ClientRecorder r = ClientRecorder.on(ws);
        ws.send("authorization");
        assertThat(r.message().data()).isEqualTo("Bearer t0ken");
        ws.send("x-custom");
        assertThat(r.message().data()).isEqualTo("yes");
        ws.close();
        awaitClose(ws);
    }

    @Test
    void throughAnHttpConnectProxy() throws Exception {
        BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        try (ServerSocket proxy = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> runProxy(proxy, requests), "test-proxy");
            t.setDaemon(true);
            t.start();
            WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.builder()
                    .proxy(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.getLocalPort()))
                    .proxyAuthorization("Basic cHJveHk6cHc=").build());
            assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
            ClientRecorder r = ClientRecorder.on(ws);
            ws.send("via proxy");
            assertThat(r.message().data()).isEqualTo("via proxy");
            String head = requests.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(head).startsWith("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1");
            assertThat(head).containsIgnoringCase("Proxy-Authorization: Basic cHJveHk6cHc=");
            ws.close();
            awaitClose(ws);
        }
    }

    /** A one-connection CONNECT proxy: reads the head, dials the target, answers 200, pipes both ways. */
    private static void runProxy(ServerSocket proxy, BlockingQueue<String> requests) {
        try (Socket client = proxy.accept()) {
            InputStream in = client.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            requests.add(head.toString());
            String target = head.toString().split(" ")[1];
            int colon = target.lastIndexOf(':');
            try (Socket upstream = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
                OutputStream out = client.getOutputStream();
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread up = new Thread(() -> pipe(in, upstream), "test-proxy-up");
                up.setDaemon(true);
                up.start();
                pipe(upstream.getInputStream(), client);
            }
        } catch (Exception e) {
            // the test sees the failure through the socket
        }
    }

    private static void pipe(InputStream from, Socket to) {
        try {
            from.transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (Exception e) {
            // connection over
        }
    }

    @Test
    void keepAliveDetectsADeadPeer() throws Exception {
        BlockingQueue<Integer> opcodes = new LinkedBlockingQueue<>();
        try (RawServer silent = RawServer.start(c -> {
            c.readRequest().accept101("");
            while (true) { // reads the pings, never answers them
                opcodes.add(c.readFrame().opcode());
            }
        })) {
            ClientRecorder r = new ClientRecorder();
            WebSocket ws = r.connect(silent.url("/"), WebSocketOptions.builder()
                    .keepAlive(Duration.ofMillis(200), Duration.ofMillis(400)).build(), s -> { });
            r.next("open");
            assertThat(r.next("error").state()).isEqualTo(WebSocket.CLOSED);
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1006);
            assertThat(close.wasClean()).isFalse();
            assertThat(opcodes.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(9); // a ping went out
        }
    }

    @Test
    void overTheSendLimitIsErrorThenClose() throws Exception {
        WebSocket ws = new WebSocket(server.url("/echo"), WebSocketOptions.builder().maxBufferedAmount(1000).build());
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        ClientRecorder r = ClientRecorder.on(ws);
        ws.send(new byte[2000]);
        assertThat(r.next("error").state()).isEqualTo(WebSocket.CLOSED);
        assertThat(r.close().code()).isEqualTo(1006);
        assertThat(ws.bufferedAmount()).isGreaterThanOrEqualTo(2000);
    }
}
