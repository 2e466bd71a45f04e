package dev.duplex.testing;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1}, made once per test JVM with
 * the JDK's keytool, plus SSL contexts that serve it and trust it, and its PEM file for peers.
 */
public final class TestCertificates {

    private static final char[] PASSWORD = "duplex-test".toCharArray();
    private static TestCertificates instance;

    private final Path dir;
    private final Path keystore;
    private final Path pem;

    private TestCertificates(Path dir, Path keystore, Path pem) {
        this.dir = dir;
        this.keystore = keystore;
        this.pem = pem;
    }

    public static synchronized TestCertificates get() {
        if (instance == null) {
            instance = create("localhost", "dns:localhost,ip:127.0.0.1");
        }
        return instance;
    }

    /** A certificate for a name that is not ours, to test hostname verification. */
    public static TestCertificates forOtherHost() {
        return create("other.example", "dns:other.example");
    }

    private static TestCertificates create(String cn, String san) {
        try {
            Path dir = Files.createTempDirectory("duplex-tls");
            dir.toFile().deleteOnExit();
            Path ks = dir.resolve("server.p12");
            Path pem = dir.resolve("server.pem");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            run(List.of(keytool, "-genkeypair", "-alias", "duplex", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + cn, "-ext", "SAN=" + san, "-validity", "3", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)));
            run(List.of(keytool, "-exportcert", "-rfc", "-alias", "duplex", "-keystore", ks.toString(),
                    "-storepass", new String(PASSWORD), "-file", pem.toString()));
            ks.toFile().deleteOnExit();
            pem.toFile().deleteOnExit();
            return new TestCertificates(dir, ks, pem);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot create a test certificate", e);
        }
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + out);
        }
    }

    private KeyStore load() throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, PASSWORD);
        }
        return ks;
    }

    /** A context that serves this certificate. */
    public SSLContext serverContext() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Key managers that present this certificate, for a server context of another provider. */
    public javax.net.ssl.KeyManager[] keyManagers() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(), PASSWORD);
            return kmf.getKeyManagers();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A context that trusts this certificate (and nothing else). */
    public SSLContext clientContext() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load());
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key in PEM (PKCS#8), for peers that serve this certificate. */
    public synchronized Path keyPemFile() {
        Path key = dir.resolve("server.key");
        if (!Files.exists(key)) {
            try {
                java.security.Key k = load().getKey("duplex", PASSWORD);
                String b64 = java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(k.getEncoded());
                Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n" + b64 + "\n-----END PRIVATE KEY-----\n");
                key.toFile().deleteOnExit();
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return key;
    }

    /** The certificate in PEM, for peers' CA options. */
    public Path pemFile() {
        return pem;
    }

    public Path dir() {
        return dir;
    }
}
