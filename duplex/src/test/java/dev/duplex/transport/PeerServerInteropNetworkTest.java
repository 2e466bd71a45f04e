package dev.duplex.transport;

import dev.duplex.testing.TestCertificates;
import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.ProtocolEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Duplex's client transport against real peer servers: Python {@code websockets} and Node {@code ws},
 * over ws and wss (with hostname verification against the test certificate), with and without
 * permessage-deflate (including websockets' default 12-bit windows): echoes of 0 B to 16 MiB, a client
 * close (4001) and a server close (4002).
 */
class PeerServerInteropNetworkTest {

    static final Path PEERS = Path.of("src/test/resources/peers").toAbsolutePath();
    static final Path NODE_WS = Path.of("../conformance/node/node_modules/ws").toAbsolutePath().normalize();
    private static final int[] SIZES = {0, 1, 125, 126, 127, 65535, 65536, 1 << 20, 16 << 20};

    private final Transport transport = Transport.create(1, Clock.SYSTEM);
    private Process peer;

    @AfterEach
    void tearDown() throws Exception {
        if (peer != null) {
            peer.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
        }
        transport.close();
        Leaks.assertNone();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({
            "python, ws, plain", "python, ws, deflate", "python, wss, plain", "python, wss, deflate",
            // websockets' default answer, client_max_window_bits=12: java.util.zip cannot compress with
            // that window, so Duplex accepts and sends uncompressed (RFC 7692 allows it), inflating 12-bit data
            "python, ws, deflate-default", "python, wss, deflate-default",
            "node, ws, plain", "node, ws, deflate", "node, wss, plain", "node, wss, deflate"})
    void duplexClientAgainstPeerServer(String name, String scheme, String mode) throws Exception {
        boolean tls = scheme.equals("wss");
        boolean deflate = mode.startsWith("deflate");
        TestCertificates certs = TestCertificates.get();
        List<String> cmd = new ArrayList<>();
        if (name.equals("python")) {
            assumePeer(Files.isExecutable(Path.of("/usr/bin/python3")), "python3-websockets");
            cmd.addAll(List.of("/usr/bin/python3", PEERS.resolve("python_server.py").toString()));
        } else {
            assumePeer(Files.isDirectory(NODE_WS), "node ws (run npm ci in conformance/node)");
            cmd.addAll(List.of("node", PEERS.resolve("node_server.js").toString()));
        }
        cmd.add(tls ? certs.pemFile().toString() : "-");
        cmd.add(tls ? certs.keyPemFile().toString() : "-");
        cmd.add(mode);
        int port = startPeer(cmd);
        String base = scheme + "://" + (tls ? "localhost" : "127.0.0.1") + ":" + port;
        Limits limits = Limits.DEFAULTS.withMaxMessageSize(32 << 20).withMaxFrameSize(32 << 20);

        ChannelRecorder ev = new ChannelRecorder();
        WsChannel ch = transport.connect(ClientOptions.builder(URI.create(base + "/echo"))
                .sslContext(tls ? certs.clientContext() : null).offerDeflate(deflate).limits(limits).build(), ev);
        Object first = ev.next();
        assertThat(first).as("open (or why not)").isInstanceOf(OpenInfo.class);
        OpenInfo open = (OpenInfo) first;
        if (deflate) {
            assertThat(open.extensions()).startsWith("permessage-deflate");
        } else {
            assertThat(open.extensions()).isEmpty();
        }
        for (int n : SIZES) {
            if (n <= 1 << 20) {
                String t = "ü".repeat(n / 2) + "x".repeat(n % 2);
                ch.sendText(t);
                assertThat(ev.next()).isEqualTo(new ProtocolEvent.TextMessage(t));
            }
            byte[] b = new byte[n];
            new Random(n).nextBytes(b);
            ch.sendBinary(ByteBuffer.wrap(b));
            ProtocolEvent.BinaryMessage m = (ProtocolEvent.BinaryMessage) ev.next();
            assertThat(m.data()).isEqualTo(ByteBuffer.wrap(b));
        }
        ch.close(CloseCode.of(4001), "bye");
        ProtocolEvent.CloseReceived echo = (ProtocolEvent.CloseReceived) ev.next();
        assertThat(echo.code()).isEqualTo(CloseCode.of(4001));
        ProtocolEvent.Closed closed = (ProtocolEvent.Closed) ev.next();
        assertThat(closed.wasClean()).isTrue();

        ChannelRecorder ev2 = new ChannelRecorder();
        WsChannel ch2 = transport.connect(ClientOptions.builder(URI.create(base + "/close"))
                .sslContext(tls ? certs.clientContext() : null).offerDeflate(deflate).build(), ev2);
        assertThat(ev2.next()).isInstanceOf(OpenInfo.class);
        ch2.sendText("close me");
        assertThat(ev2.next()).isEqualTo(new ProtocolEvent.CloseReceived(CloseCode.of(4002), "server bye"));
        ProtocolEvent.Closed c2 = (ProtocolEvent.Closed) ev2.next();
        assertThat(c2.code()).isEqualTo(CloseCode.of(4002));
        assertThat(c2.wasClean()).isTrue();
    }

    private int startPeer(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NODE_WS_PATH", NODE_WS.toString());
        peer = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String line = first.get(120, TimeUnit.SECONDS);
        assertThat(line).as("peer server port").isNotNull().matches("\\d+");
        Thread.ofVirtual().start(() -> {
            try {
                out.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // peer ended
            }
        });
        return Integer.parseInt(line);
    }

    static void assumePeer(boolean present, String what) {
        if (System.getenv("CI") != null) {
            assertThat(present).as(what + " must be installed in CI (.ci/run)").isTrue();
        }
        assumeTrue(present, what + " not installed");
    }
}
