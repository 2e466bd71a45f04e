package dev.duplex.app;

import dev.duplex.server.OriginPolicy;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

/**
 * Where and how a server app listens.
 *
 * @param host        address to bind
 * @param port        TCP port, 0 for any free one
 * @param keystore    PKCS#12 or JKS key store for TLS, or null for plain ws/http
 * @param password    the key store's password
 * @param deflate     whether to negotiate permessage-deflate
 * @param maxMessage  largest message accepted from a client, in bytes
 * @param maxConnections most connections open at once (more are closed as soon as accepted); 0 for
 *                    no cap, {@link #AUTO} for the process's open-file limit less some headroom
 * @param allowedOrigins the {@code Origin}s whose pages may connect ({@code *} for any); empty for the
 *                    app's own default (see {@link #originPolicy})
 * @param drainTimeout how long a stopping server waits for its connections' closing handshakes
 * @param tlsEngine   which TLS implementation serves {@code keystore}'s certificate
 */
public record ServerSettings(String host, int port, Path keystore, char[] password, boolean deflate,
                             long maxMessage, int maxConnections, List<String> allowedOrigins,
                             Duration drainTimeout, TlsEngine tlsEngine) {

    /** {@code --drain-timeout}'s default: long enough for a close round trip, short for a deploy. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

    public ServerSettings {
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    public ServerSettings(String host, int port, Path keystore, char[] password, boolean deflate,
                          long maxMessage, int maxConnections, List<String> allowedOrigins, Duration drainTimeout) {
        this(host, port, keystore, password, deflate, maxMessage, maxConnections, allowedOrigins, drainTimeout,
                TlsEngine.auto);
    }

    public ServerSettings(String host, int port, Path keystore, char[] password, boolean deflate,
                          long maxMessage, int maxConnections) {
        this(host, port, keystore, password, deflate, maxMessage, maxConnections, List.of(), DEFAULT_DRAIN_TIMEOUT);
    }

    /** {@code maxConnections}: below the open-file limit, which a flood would otherwise exhaust. */
    public static final int AUTO = -1;
    /** Descriptors kept for everything else (listening socket, jars, logs, Redis, ...). */
    private static final long FD_HEADROOM = 128;

    public ServerSettings(String host, int port, Path keystore, char[] password, boolean deflate, long maxMessage) {
        this(host, port, keystore, password, deflate, maxMessage, AUTO);
    }

    /** The cap to configure: {@link #AUTO} resolved from the open-file limit (0 when it is unknown). */
    public int effectiveMaxConnections() {
        if (maxConnections != AUTO) {
            return maxConnections;
        }
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long limit = unix.getMaxFileDescriptorCount();
            if (limit > 2 * FD_HEADROOM) {
                return (int) Math.min(Integer.MAX_VALUE, limit - FD_HEADROOM);
            }
        }
        return 0;
    }

    /**
     * Which pages may open a socket: {@code appDefault} unless origins were given; {@code *} among
     * them allows any (requests without {@code Origin}, from non-browser clients, are always allowed).
     */
    OriginPolicy originPolicy(OriginPolicy appDefault) {
        if (allowedOrigins.isEmpty()) {
            return appDefault;
        }
        if (allowedOrigins.contains("*")) {
            return OriginPolicy.any();
        }
        return OriginPolicy.allowList(allowedOrigins.toArray(String[]::new));
    }

    /** The same settings with other allowed origins. */
    public ServerSettings withAllowedOrigins(List<String> origins) {
        return new ServerSettings(host, port, keystore, password, deflate, maxMessage, maxConnections, origins,
                drainTimeout, tlsEngine);
    }

    /** Plain ws on 127.0.0.1, with permessage-deflate: what tests use. */
    public static ServerSettings loopback(int port, long maxMessage) {
        return new ServerSettings("127.0.0.1", port, null, new char[0], true, maxMessage);
    }

    public boolean tls() {
        return keystore != null;
    }

    /** The TLS context from the key store, on {@link #tlsEngine}; fails with a message that names the file. */
    SSLContext sslContext() {
        try {
            KeyStore store = KeyStore.getInstance(keystore.toFile(), password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            return tlsEngine.serverContext(keys.getKeyManagers());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read key store " + keystore + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use key store " + keystore + ": " + e.getMessage(), e);
        }
    }
}
