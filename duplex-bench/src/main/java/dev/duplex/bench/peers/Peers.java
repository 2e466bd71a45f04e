package dev.duplex.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** What every benchmark server shares: its command line and the line that says it is ready. */
final class Peers {
    /** Message and frame limit given to every server: above the largest workload (16 MiB). */
    static final int MAX_MESSAGE = 64 << 20;

    private Peers() {}

    /** {@code --port N} (0, the default, binds an ephemeral port). */
    static int port(String[] args) {
        return Integer.parseInt(option(args, "--port", "0"));
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /**
     * Logging off: the peers' own loggers (Netty falls back to java.util.logging when SLF4J has
     * only the no-op binding) would otherwise report every reset connection.
     */
    static void quiet() {
        java.util.logging.LogManager.getLogManager().reset();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
    }

    /** The runner waits for this exact line on standard output. */
    static void ready(int port) {
        System.out.println("LISTENING " + port);
        System.out.flush();
    }

    /**
     * {@code --keystore FILE --storepass PW}: the PKCS12 key and certificate to serve {@code wss}
     * with (one for every server, see the generator's TestCertificate), or null for plain {@code ws}.
     */
    static KeyManagerFactory keyManagers(String[] args) {
        LoadedStore store = keyStore(args);
        if (store == null) {
            return null;
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store.keys(), store.password());
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use " + store.file(), e);
        }
    }

    /** A private key and its certificate chain. */
    record KeyAndChain(PrivateKey key, X509Certificate[] chain) {}

    /** {@link #keyManagers}' key and chain themselves, or null for plain {@code ws}. */
    static KeyAndChain keyAndChain(String[] args) {
        LoadedStore store = keyStore(args);
        if (store == null) {
            return null;
        }
        try {
            KeyStore ks = store.keys();
            String alias = ks.aliases().nextElement();
            java.security.cert.Certificate[] chain = ks.getCertificateChain(alias);
            X509Certificate[] x509 = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                x509[i] = (X509Certificate) chain[i];
            }
            return new KeyAndChain((PrivateKey) ks.getKey(alias, store.password()), x509);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use " + store.file(), e);
        }
    }

    /** The PKCS12 store that {@code --keystore FILE --storepass PW} names, loaded. */
    private record LoadedStore(String file, KeyStore keys, char[] password) {}

    private static LoadedStore keyStore(String[] args) {
        String file = option(args, "--keystore", null);
        if (file == null) {
            return null;
        }
        char[] password = option(args, "--storepass", "").toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
            return new LoadedStore(file, ks, password);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + file, e);
        }
    }

    /** The JDK's TLS with {@link #keyManagers}' key, its defaults otherwise; null for plain {@code ws}. */
    static SSLContext jdkTls(String[] args) {
        KeyManagerFactory kmf = keyManagers(args);
        if (kmf == null) {
            return null;
        }
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** BoringSSL through Conscrypt ({@code NativeTls}) with {@link #keyManagers}' key; null for plain {@code ws}. */
    static SSLContext boringSslTls(String[] args) {
        KeyManagerFactory kmf = keyManagers(args);
        if (kmf == null) {
            return null;
        }
        try {
            return dev.duplex.conscrypt.NativeTls.server(kmf.getKeyManagers());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
