package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.Limits;
import dev.duplex.server.WebSocketServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's wss and handshake parts end to end against Duplex in process, briefly: TLS with
 * the pinned parameters, every echoed byte checked, handshake lives counted, resumption seen. Speed
 * is not asserted here.
 */
class WssLoadTest {
    private static final long QUARTER = TimeUnit.MILLISECONDS.toNanos(250);

    static {
        // As ServerProcess does for the wss servers: the JDK's TLS 1.3 server takes AES-256 first otherwise.
        System.setProperty("jdk.tls.server.cipherSuites", GeneratorTls.SUITE);
    }

    @TempDir
    static Path dir;
    private static Path keystore;

    @org.junit.jupiter.api.BeforeAll
    static void certificate() throws Exception {
        keystore = TestCertificate.generate(dir.resolve("wss.p12"));
    }

    private static WebSocketServer server(SSLContext tls) {
        WebSocketServer.Builder b = WebSocketServer.builder()
                .bindAddress("127.0.0.1").port(0).permessageDeflate(false)
                .limits(Limits.DEFAULTS.withMaxFrameSize(1 << 20).withMaxMessageSize(1 << 20))
                .route("/", ws -> ws.onmessage(ws::send));
        if (tls != null) {
            b.tls(tls);
        }
        return b.build().start();
    }

    private static SSLContext serverTls(Path keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, TestCertificate.PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, TestCertificate.PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    @Test
    void echoesOverTlsWithThePinnedSuiteAndCountsHandshakes() throws Exception {
        assertThat(TestCertificate.certificate(keystore).getPublicKey().getAlgorithm()).isEqualTo("EC");
        try (WebSocketServer server = server(serverTls(keystore));
             GeneratorTls tls = GeneratorTls.trusting(keystore)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            EchoLoad.Result small = EchoLoad.run(address, "/", new EchoLoad.Spec(4, 4, 32, false), false, tls, 0, QUARTER, 1);
            EchoLoad.Result large = EchoLoad.run(address, "/", new EchoLoad.Spec(2, 1, 200_000, true), false, tls, 0, QUARTER, 1);
            assertThat(small.messages()).isPositive();
            assertThat(large.messages()).isPositive();

            // A warm-up: a cold JDK server's first full handshakes take a good part of a quarter second each.
            HandshakeLoad.Result full = HandshakeLoad.run(address, "/", 2, tls, false, QUARTER, 2 * QUARTER);
            assertThat(full.handshakes()).isPositive();
            assertThat(full.resumed()).isZero();
            assertThat(full.latency().getTotalCount()).isEqualTo(full.handshakes());

            HandshakeLoad.Result resumed = HandshakeLoad.run(address, "/", 2, tls, true, QUARTER, 2 * QUARTER);
            assertThat(resumed.handshakes()).isPositive();
            assertThat(resumed.resumed()).isPositive(); // the JDK server takes TLS 1.3 tickets back
        }
    }

    @Test
    void countsPlainHandshakes() throws Exception {
        try (WebSocketServer server = server(null)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            HandshakeLoad.Result r = HandshakeLoad.run(address, "/", 2, null, false, 0, QUARTER);
            assertThat(r.handshakes()).isPositive();
            assertThat(r.resumed()).isZero();
        }
    }

    @Test
    void refusesAServerThatDoesNotSpeakTls() throws Exception {
        try (WebSocketServer server = server(null); GeneratorTls tls = GeneratorTls.trusting(keystore)) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            assertThatThrownBy(() -> ClientHandshake.open(address, "/", tls, false)).isInstanceOf(java.io.IOException.class);
        }
    }
}
