package dev.duplex.bench.load;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.SimpleTrustManagerFactory;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.ManagerFactoryParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The generator's side of every {@code wss} workload, and the TLS parameters they all pin: TLS 1.3
 * only, one cipher suite ({@value #SUITE}), one key-exchange group ({@value #GROUP}) offered, the
 * {@link TestCertificate} trusted and nothing else (the server's certificate must be that one; the
 * JDK's PKIX path check, run in Java on every handshake, would cost the generator more than
 * BoringSSL's whole handshake). The client offers one of
 * each; BoringSSL offers its three TLS 1.3 suites whatever it is told, so the servers on the JDK's
 * engine are given {@code -Djdk.tls.server.cipherSuites} ({@link #SERVER_FLAGS}) and every handshake
 * is checked ({@link #checkNegotiated}). The engine is BoringSSL's, through Netty
 * ({@code netty-tcnative}), used as a plain {@link SSLEngine} by {@link TlsLink}: on one core the
 * JDK's own engine would be slower than the fastest servers it measures.
 */
final class GeneratorTls implements AutoCloseable {
    static final String PROTOCOL = "TLSv1.3";
    static final String SUITE = "TLS_AES_128_GCM_SHA256";
    static final String GROUP = "X25519";
    /** JVM flags of every wss server: the JDK's engine limited to {@link #SUITE} (BoringSSL picks it first anyway). */
    static final List<String> SERVER_FLAGS = List.of("-Djdk.tls.server.cipherSuites=" + SUITE);

    private final SslContext context;

    GeneratorTls(X509Certificate trusted) throws SSLException {
        if (!OpenSsl.isAvailable()) {
            throw new SSLException("BoringSSL (netty-tcnative) is not available", OpenSsl.unavailabilityCause());
        }
        this.context = SslContextBuilder.forClient()
                .sslProvider(SslProvider.OPENSSL_REFCNT)
                .protocols(PROTOCOL)
                .ciphers(List.of(SUITE))
                .trustManager(new PinnedTrust(trusted))
                .endpointIdentificationAlgorithm(null)
                .option(OpenSslContextOption.GROUPS, new String[] {GROUP})
                .build();
    }

    static GeneratorTls trusting(Path keystore) throws IOException {
        return new GeneratorTls(TestCertificate.certificate(keystore));
    }

    /**
     * A client engine. With {@code resume} it is made for the server's address, so it offers a
     * session ticket from an earlier connection to the same address (TLS 1.3 PSK resumption);
     * without, every handshake is a full one.
     */
    SSLEngine newEngine(InetSocketAddress server, boolean resume) {
        return resume
                ? context.newEngine(ByteBufAllocator.DEFAULT, server.getHostString(), server.getPort())
                : context.newEngine(ByteBufAllocator.DEFAULT);
    }

    /** Fails unless the handshake ended on the pinned protocol and suite. */
    static void checkNegotiated(SSLEngine engine) throws SSLException {
        String protocol = engine.getSession().getProtocol();
        String suite = engine.getSession().getCipherSuite();
        if (!PROTOCOL.equals(protocol) || !SUITE.equals(suite)) {
            throw new SSLException("negotiated " + protocol + " " + suite + ", wanted " + PROTOCOL + " " + SUITE);
        }
    }

    /** Whether the engine's handshake resumed a session (no certificate, no signature). */
    static boolean resumed(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine e) {
            synchronized (e) {
                return SSL.isSessionReused(e.sslPointer());
            }
        }
        return false;
    }

    static void release(SSLEngine engine) {
        ReferenceCountUtil.release(engine);
    }

    @Override
    public void close() {
        ReferenceCountUtil.release(context);
    }

    /** Trusts exactly one server certificate, compared byte for byte. */
    static final class PinnedTrust extends SimpleTrustManagerFactory {
        private final X509Certificate expected;

        PinnedTrust(X509Certificate expected) {
            this.expected = expected;
        }

        @Override
        protected void engineInit(KeyStore keyStore) {}

        @Override
        protected void engineInit(ManagerFactoryParameters params) {}

        @Override
        protected TrustManager[] engineGetTrustManagers() {
            return new TrustManager[] {new X509ExtendedTrustManager() {
                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    check(chain);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                    check(chain);
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                    check(chain);
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                    throw new CertificateException("a client only");
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
                    throw new CertificateException("a client only");
                }

                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
                    throw new CertificateException("a client only");
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[] {expected};
                }
            }};
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0 || !chain[0].equals(expected)) {
                throw new CertificateException("not the run's test certificate");
            }
        }
    }
}
