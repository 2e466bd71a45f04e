package dev.duplex.app;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * Where and how a server app listens.
 *
 * @param host        address to bind
 * @param port        TCP port, 0 for any free one
 * @param keystore    PKCS#12 or JKS key store for TLS, or null for plain ws/http
 * @param password    the key store's password
 * @param deflate     whether to negotiate permessage-deflate
 * @param maxMessage  largest message accepted from a client, in bytes
 */
public record ServerSettings(String host, int port, Path keystore, char[] password, boolean deflate,
                             long maxMessage) {

    /** Plain ws on 127.0.0.1, with permessage-deflate: what tests use. */
    public static ServerSettings loopback(int port, long maxMessage) {
        return new ServerSettings("127.0.0.1", port, null, new char[0], true, maxMessage);
    }

    public boolean tls() {
        return keystore != null;
    }

    /** The TLS context from the key store; fails with a message that names the file. */
    SSLContext sslContext() {
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key store " + keystore + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use key store " + keystore + ": " + e.getMessage(), e);
        }
    }
}
