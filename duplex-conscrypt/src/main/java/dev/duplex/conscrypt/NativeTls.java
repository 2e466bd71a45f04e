package dev.duplex.conscrypt;

import java.security.GeneralSecurityException;
import java.security.Provider;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import org.conscrypt.Conscrypt;

/**
 * Server TLS contexts backed by BoringSSL through Conscrypt, to pass to
 * {@code WebSocketServer.builder().tls(...)} in place of the JDK's: the same {@code SSLContext} and
 * {@code SSLEngine} API, with native X25519, ECDSA and AES-GCM, and TLS 1.3 session tickets issued and
 * accepted (Conscrypt leaves them off unless asked, so its engines are asked as they are made).
 * <pre>{@code
 * SSLContext tls = NativeTls.available() ? NativeTls.server(keyManagers) : jdkContext;
 * WebSocketServer.builder().tls(tls)...
 * }</pre>
 * Conscrypt ships BoringSSL for Linux, macOS and Windows on x86-64; elsewhere {@link #available()}
 * is false and {@link #unavailableReason()} says why.
 */
public final class NativeTls {
    private static final Provider PROVIDER = loadProvider();

    private NativeTls() {}

    /** Whether BoringSSL loaded on this platform. */
    public static boolean available() {
        return PROVIDER != null;
    }

    /** Why BoringSSL did not load, or null when it did. */
    public static String unavailableReason() {
        if (PROVIDER != null) {
            return null;
        }
        try {
            Conscrypt.checkAvailability();
            return "Conscrypt is available but its provider could not be made";
        } catch (Throwable t) {
            return String.valueOf(t.getMessage() != null ? t.getMessage() : t);
        }
    }

    /** The BoringSSL version the native library was built from (a BoringSSL commit). */
    public static String version() {
        Conscrypt.Version v = Conscrypt.version();
        return "Conscrypt " + v.major() + "." + v.minor() + "." + v.patch();
    }

    /**
     * A server context presenting {@code keys}' certificate (TLS 1.2 and 1.3, BoringSSL's defaults:
     * AES-GCM first where the CPU has AES instructions, X25519 first), whose engines issue and
     * accept session tickets.
     *
     * @throws IllegalStateException when BoringSSL is not {@linkplain #available() available}
     */
    public static SSLContext server(KeyManager... keys) throws GeneralSecurityException {
        if (PROVIDER == null) {
            throw new IllegalStateException("native TLS is not available here: " + unavailableReason());
        }
        SSLContext conscrypt = SSLContext.getInstance("TLS", PROVIDER);
        conscrypt.init(keys, null, null);
        return ConfiguringContext.withTickets(conscrypt);
    }

    private static Provider loadProvider() {
        try {
            return Conscrypt.isAvailable() ? Conscrypt.newProvider() : null;
        } catch (Throwable t) { // no native library for this platform, or it failed to link
            return null;
        }
    }
}
