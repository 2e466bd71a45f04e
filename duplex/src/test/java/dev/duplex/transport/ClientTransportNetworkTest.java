package dev.duplex.transport;

import dev.duplex.testing.TestCertificates;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.State;
import dev.duplex.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The client connect path: TCP, TLS, proxy, handshake, events, failures — against real servers. */
class ClientTransportNetworkTest {

    private final Transport transport = Transport.create(1, Clock.SYSTEM);
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) {
            c.close();
        }
        transport.close();
        Leaks.assertNone();
    }

    private WebSocketServer echoServer(boolean tls) {
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .route("/echo", ws -> ws.onmessage(ws::send));
        if (tls) {
            b.tls(TestCertificates.get().serverContext());
        }
        WebSocketServer s = b.build().start();
        cleanup.add(s);
        return s;
    }

    @Test
    void opensExchangesAndClosesCleanly() throws Exception {
        WebSocketServer server = echoServer(false);
        ChannelRecorder r = new ChannelRecorder();
        WsChannel ch = transport.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + server.port() + "/echo"))
                .build(), r);
        OpenInfo open = (OpenInfo) r.next();
        assertThat(open.status()).isEqualTo(101);
        assertThat(open.extensions()).startsWith("permessage-deflate");
        assertThat(ch.readyState()).isEqualTo(State.OPEN);
        assertThat(ch.extensions()).isEqualTo(open.extensions());
        assertThat(ch.sendText("hello")).isTrue();
        assertThat(r.next()).isEqualTo(new ProtocolEvent.TextMessage("hello"));
        ch.close(CloseCode.NORMAL_CLOSURE, "done");
        assertThat(r.next()).isInstanceOf(ProtocolEvent.CloseReceived.class);
        ProtocolEvent.Closed c = r.closed();
        assertThat(c.code()).isEqualTo(CloseCode.NORMAL_CLOSURE);
        assertThat(c.wasClean()).isTrue();
        assertThat(ch.sendText("late")).isFalse();
        assertThat(ch.bufferedAmount()).isZero();
    }

    @Test
    void wssWithACustomContextAndHostnameVerification() throws Exception {
        WebSocketServer server = echoServer(true);
        ChannelRecorder r = new ChannelRecorder();
        WsChannel ch = transport.connect(ClientOptions.builder(URI.create("wss://localhost:" + server.port() + "/echo"))
                .sslContext(TestCertificates.get().clientContext()).offerDeflate(false).build(), r);
        assertThat(r.next()).isInstanceOf(OpenInfo.class);
        assertThat(ch.extensions()).isEmpty();
        ch.sendText("secure");
        assertThat(r.next()).isEqualTo(new ProtocolEvent.TextMessage("secure"));
        ch.close(null, "");
        assertThat(r.closed().wasClean()).isTrue();
    }

    @Test
    void certificateForAnotherNameFailsWithTlsStep() throws Exception {
        TestCertificates other = TestCertificates.forOtherHost();
        WebSocketServer server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").threads(1)
                .tls(other.serverContext()).route("/echo", ws -> { }).build().start();
        cleanup.add(server);
        ChannelRecorder r = new ChannelRecorder();
        // trusts the certificate, but it names other.example, not localhost
        transport.connect(ClientOptions.builder(URI.create("wss://localhost:" + server.port() + "/echo"))
                .sslContext(other.clientContext()).build(), r);
        assertConnectFailure(r, ConnectException.Step.TLS);
    }

    @Test
    void refusedPortFailsWithConnectStep() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ChannelRecorder r = new ChannelRecorder();
        transport.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + port + "/")).build(), r);
        assertConnectFailure(r, ConnectException.Step.CONNECT);
    }

    @Test
    void unknownHostFailsWithResolveStep() throws Exception {
        ChannelRecorder r = new ChannelRecorder();
        transport.connect(ClientOptions.builder(URI.create("ws://no-such-host.invalid/")).build(), r);
        assertConnectFailure(r, ConnectException.Step.RESOLVE);
    }

    @Test
    void nonUpgradeResponseFailsWithHandshakeStep() throws Exception {
        WebSocketServer server = echoServer(false);
        ChannelRecorder r = new ChannelRecorder();
        transport.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + server.port() + "/nothing-here"))
                .build(), r);
        ConnectException e = assertConnectFailure(r, ConnectException.Step.HANDSHAKE);
        assertThat(e.getMessage()).contains("404");
    }

    @Test
    void silentServerTimesOutOnTheManualClock() throws Exception {
        ManualClock clock = new ManualClock();
        try (Transport t = Transport.create(1, clock);
             ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChannelRecorder r = new ChannelRecorder();
            t.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/"))
                    .handshakeTimeout(Duration.ofSeconds(30)).build(), r);
            try (Socket s = silent.accept()) {
                readHead(s.getInputStream());           // the request was sent: the timer is armed
                clock.advance(Duration.ofSeconds(31));
                assertConnectFailure(r, ConnectException.Step.TIMEOUT);
            }
        }
    }

    @Test
    void connectsThroughAnHttpConnectProxy() throws Exception {
        WebSocketServer server = echoServer(false);
        try (ConnectProxy proxy = new ConnectProxy(false)) {
            ChannelRecorder r = new ChannelRecorder();
            WsChannel ch = transport.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + server.port() + "/echo"))
                    .proxy(new InetSocketAddress("127.0.0.1", proxy.port())).proxyAuthorization("Basic eDp5")
                    .build(), r);
            assertThat(r.next()).isInstanceOf(OpenInfo.class);
            ch.sendText("via proxy");
            assertThat(r.next()).isEqualTo(new ProtocolEvent.TextMessage("via proxy"));
            assertThat(proxy.requests).singleElement().asString()
                    .startsWith("CONNECT 127.0.0.1:" + server.port() + " HTTP/1.1").contains("Proxy-Authorization: Basic eDp5");
            ch.close(CloseCode.NORMAL_CLOSURE, "");
            assertThat(r.closed().wasClean()).isTrue();
        }
    }

    @Test
    void proxyRefusalFailsWithProxyStep() throws Exception {
        try (ConnectProxy proxy = new ConnectProxy(true)) {
            ChannelRecorder r = new ChannelRecorder();
            transport.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:9/echo"))
                    .proxy(new InetSocketAddress("127.0.0.1", proxy.port())).build(), r);
            ConnectException e = assertConnectFailure(r, ConnectException.Step.PROXY);
            assertThat(e.getMessage()).contains("407");
        }
    }

    @Test
    void eventsOnAnExecutorStayOrderedUnderBackpressure() throws Exception {
        WebSocketServer server = echoServer(false);
        CountDownLatch gate = new CountDownLatch(1);
        ChannelRecorder r = new ChannelRecorder() {
            @Override
            public void onEvent(WsChannel ch, ProtocolEvent event) {
                try {
                    gate.await(); // a slow listener: input must pause, nothing may be lost
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onEvent(ch, event);
            }
        };
        WsChannel ch = transport.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + server.port() + "/echo"))
                .eventExecutor(Dispatch.virtualThread()).eventWaterMarks(8, 2).build(), r);
        assertThat(r.next()).isInstanceOf(OpenInfo.class);
        for (int i = 0; i < 500; i++) {
            ch.sendText("m" + i);
        }
        gate.countDown();
        for (int i = 0; i < 500; i++) {
            assertThat(r.next()).isEqualTo(new ProtocolEvent.TextMessage("m" + i));
        }
        assertThat(r.sawVirtual).isTrue();
        ch.close(CloseCode.NORMAL_CLOSURE, "");
        assertThat(r.closed().wasClean()).isTrue();
    }

    @Test
    void abortWhileConnectingReportsOneClosed() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChannelRecorder r = new ChannelRecorder();
            WsChannel ch = transport.connect(ClientOptions.builder(
                    URI.create("ws://127.0.0.1:" + silent.getLocalPort() + "/")).build(), r);
            assertThat(ch.readyState()).isEqualTo(State.CONNECTING);
            try (Socket s = silent.accept()) {
                readHead(s.getInputStream());
                ch.close(CloseCode.NORMAL_CLOSURE, "");   // close() while CONNECTING fails the connection
                assertConnectFailure(r, ConnectException.Step.ABORTED);
                assertThat(r.calls.poll(200, TimeUnit.MILLISECONDS)).isNull();
            }
        }
    }

    private static ConnectException assertConnectFailure(ChannelRecorder r, ConnectException.Step step) throws Exception {
        Object o = r.next();
        assertThat(o).isInstanceOf(ProtocolEvent.Closed.class);
        ProtocolEvent.Closed c = (ProtocolEvent.Closed) o;
        assertThat(c.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
        assertThat(c.wasClean()).isFalse();
        assertThat(c.cause()).isInstanceOf(ConnectException.class);
        ConnectException e = (ConnectException) c.cause();
        assertThat(e.step()).as(e.toString()).isEqualTo(step);
        return e;
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("EOF in head");
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** A minimal HTTP CONNECT proxy (blocking threads), or one that always answers 407. */
    static final class ConnectProxy implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        final List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        ConnectProxy(boolean refuse) throws IOException {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Socket client = server.accept();
                        sockets.add(client);
                        Thread.ofVirtual().start(() -> serve(client, refuse));
                    }
                } catch (IOException closed) {
                    // done
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve(Socket client, boolean refuse) {
            try {
                String head = readHead(client.getInputStream());
                requests.add(head);
                OutputStream out = client.getOutputStream();
                if (refuse) {
                    out.write("HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return;
                }
                String authority = head.split(" ")[1];
                int colon = authority.lastIndexOf(':');
                Socket upstream = new Socket(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
                sockets.add(upstream);
                out.write("HTTP/1.1 200 Connection Established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                Thread.ofVirtual().start(() -> pipe(upstream, client));
                pipe(client, upstream);
            } catch (IOException e) {
                // connection ended
            }
        }

        private static void pipe(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
                to.shutdownOutput();
            } catch (IOException e) {
                // ended
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void keepAlivePingsOnTheManualClockAndDropsASilentServer() throws Exception {
        ManualClock clock = new ManualClock();
        try (Transport t = Transport.create(1, clock);
             ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChannelRecorder r = new ChannelRecorder();
            t.connect(ClientOptions.builder(URI.create("ws://127.0.0.1:" + raw.getLocalPort() + "/"))
                    .offerDeflate(false).pingInterval(Duration.ofSeconds(20)).pongTimeout(Duration.ofSeconds(10))
                    .build(), r);
            try (Socket s = raw.accept()) {
                s.setSoTimeout(60_000);
                String head = readHead(s.getInputStream());
                String key = head.lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                        .findFirst().orElseThrow().substring(18).trim();
                s.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Accept: "
                        + dev.duplex.protocol.ServerHandshake.acceptKey(key) + "\r\n\r\n").getBytes());
                assertThat(r.next()).isInstanceOf(OpenInfo.class);     // open: the keep-alive timer is armed
                clock.advance(Duration.ofSeconds(21));
                InputStream in = s.getInputStream();
                assertThat(in.read() & 0x0F).isEqualTo(9);              // a (masked, empty) ping
                clock.advance(Duration.ofSeconds(11));                   // never answered
                ProtocolEvent.Closed c = r.closed();
                assertThat(c.code()).isEqualTo(CloseCode.ABNORMAL_CLOSURE);
                assertThat(c.cause()).isInstanceOf(java.util.concurrent.TimeoutException.class);
            }
        }
    }
}
