package dev.duplex.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The one certificate every {@code wss} server presents: an EC P-256 key and a self-signed
 * certificate (SHA256withECDSA, for 127.0.0.1 and localhost), made at run time by the JDK's
 * {@code keytool} into a PKCS12 file. The servers load it with {@code --keystore FILE --storepass PW}.
 */
final class TestCertificate {
    static final String ALIAS = "wss";
    static final String PASSWORD = "duplex-bench";

    private TestCertificate() {}

    /** Makes a fresh keystore at {@code file} (replacing any) and returns it. */
    static Path generate(Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> cmd = List.of(keytool.toString(), "-genkeypair", "-alias", ALIAS,
                "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "7",
                "-storetype", "PKCS12", "-keystore", file.toString(),
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return file;
    }

    /** The certificate in {@code file}, for the generator to trust. */
    static X509Certificate certificate(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            return (X509Certificate) ks.getCertificate(ALIAS);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + file + ": " + e, e);
        }
    }
}
