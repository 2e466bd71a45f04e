package dev.duplex.hardening;

import dev.duplex.testing.RawClient;
import dev.duplex.testing.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.duplex.hardening.Target.frame;
import static dev.duplex.hardening.Target.seconds;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attacks on shared resources around the WebSocket protocol: one peer flooding without reading must
 * not stall the (single) event loop for others; TLS garbage, silence and half handshakes must release
 * their TLS sessions; static files must not escape their folder.
 */
class ResourceAttackNetworkTest {

    /** Writes {@code bytes} from another thread; the server may stop reading us (backpressure), so it may block. */
    private static CompletableFuture<Void> writeInBackground(RawClient c, byte[] bytes) {
        return CompletableFuture.runAsync(() -> {
            try {
                c.write(bytes);
            } catch (IOException expected) {
                // we vanish at the end of the test
            }
        }, r -> {
            Thread t = new Thread(r, "flooder");
            t.setDaemon(true);
            t.start();
        });
    }

    @Test
    void pingFloodFromAPeerThatNeverReads() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] ping = frame(0x89, new byte[125]);
        for (int i = 0; i < 200_000; i++) {   // 26 MiB of pings, 25 MiB of pongs owed
            b.write(ping);
        }
        try (Target t = new Target(b2 -> b2.maxBufferedBytes(4 << 20))) {
            RawClient flooder = t.upgraded();
            CompletableFuture<Void> w = writeInBackground(flooder, b.toByteArray());
            // Meanwhile others are served by the same (only) event loop.
            try (RawClient other = t.upgraded()) {
                other.text("am I served?");
                assertThat(other.readFrame().text()).isEqualTo("am I served?");
                other.close(1000, "");
                assertThat(other.readFrame().closeCode()).isEqualTo(1000);
            }
            flooder.vanish();
            w.get(60, TimeUnit.SECONDS);
            t.nextClose();
            t.nextClose();
            t.assertSurvived();
        }
    }

    @Test
    void pipelinedHttpRequestsFromAPeerThatNeverReads() throws Exception {
        byte[] one = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < 300_000; i++) {   // 9 MiB of requests
            b.write(one);
        }
        try (Target t = new Target()) {
            RawClient flooder = t.connect();
            CompletableFuture<Void> w = writeInBackground(flooder, b.toByteArray());
            try (RawClient other = t.upgraded()) {
                other.text("am I served?");
                assertThat(other.readFrame().text()).isEqualTo("am I served?");
                other.close(1000, "");
                assertThat(other.readFrame().closeCode()).isEqualTo(1000);
            }
            flooder.vanish();
            w.get(60, TimeUnit.SECONDS);
            t.nextClose();
            t.assertSurvived();
        }
    }

    // TLS ------------------------------------------------------------------------------------------

    private static Target tlsTarget() {
        return new Target(b -> b.tls(TestCertificates.get().serverContext()));
    }

    /** {@link Target#assertSurvived} over TLS: a wss echo works. */
    private static void assertServesTls(Target t) throws Exception {
        var factory = TestCertificates.get().clientContext().getSocketFactory();
        try (SSLSocket s = (SSLSocket) factory.createSocket("localhost", t.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(("GET /echo HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().write(frame(0x81, Target.utf8("tls")));
            // Wait for the echo before closing (a close right behind a message is answered before the
            // handler's reply, which is then dropped: see LifecycleAttackNetworkTest#sendRacingClose).
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().endsWith("tls")) {
                int b = s.getInputStream().read();
                assertThat(b).as("EOF before the echo: " + seen).isNotNegative();
                seen.append((char) b);
            }
            assertThat(seen.toString()).startsWith("HTTP/1.1 101");
            s.getOutputStream().write(frame(0x88, new byte[] {0x03, (byte) 0xE8}));
            s.getInputStream().readAllBytes();
        }
        t.nextClose();
        dev.duplex.transport.Leaks.assertNone();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET / HTTP/1.1\r\n\r\n", "\u0016\u0003\u0001\u00ff\u00ffgarbage", "\u0015\u0003\u0003\u0000\u0002\u0002\u0028",
        "\u0017\u0003\u0003\u4000"})
    void garbageInsteadOfTls(String bytes) throws Exception {
        try (Target t = tlsTarget()) {
            try (RawClient c = t.connect()) {
                Target.writeQuietly(c, bytes.getBytes(StandardCharsets.ISO_8859_1));
                t.barrier2Tls();
                t.clock.advance(seconds(11));   // in case the server waits for more
                assertThat(c.awaitEof()).isTrue();
            }
            assertServesTls(t);
        }
    }

    @Test
    void silentTlsConnectionIsDroppedAtTheHandshakeTimeout() throws Exception {
        try (Target t = tlsTarget()) {
            try (RawClient c = t.connect()) {
                t.barrier2Tls();
                t.clock.advance(seconds(11));
                assertThat(c.awaitEof()).isTrue();
            }
            assertServesTls(t);
        }
    }

    @Test
    void tlsClientThatVanishesMidHandshake() throws Exception {
        try (Target t = tlsTarget()) {
            var factory = TestCertificates.get().clientContext().getSocketFactory();
            SSLSocket s = (SSLSocket) factory.createSocket("localhost", t.port());
            s.startHandshake();           // TLS done, no HTTP request: then a reset
            s.setSoLinger(true, 0);
            s.close();
            assertServesTls(t);
        }
    }

    // Static files ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/..%2fsecret.txt",
        "/files/%2E%2E%2Fsecret.txt", "/files/....//secret.txt", "/files/..\\secret.txt", "/files/%5c..%5csecret.txt",
        "/files//../secret.txt", "/files/./../secret.txt", "/files/%00../secret.txt", "/files/public/../../secret.txt"})
    void staticFilesDoNotEscapeTheirFolder(String path, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("secret.txt"), "TOP SECRET");
        Path pub = Files.createDirectories(dir.resolve("public"));
        Files.writeString(pub.resolve("index.html"), "hello");
        try (Target t = new Target(b -> b.staticFiles("/files", pub))) {
            try (RawClient c = t.connect()) {
                c.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String response = c.readAll();
                assertThat(response).doesNotContain("TOP SECRET");
                assertThat(Target.status(response)).isBetween(400, 499);
            }
            t.assertSurvived();
        }
    }
}
