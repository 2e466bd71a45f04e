package dev.duplex.app;

import dev.duplex.conscrypt.NativeTls;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import java.security.GeneralSecurityException;

/**
 * Which TLS implementation a server app uses ({@code --tls-engine}): BoringSSL through Conscrypt
 * when it loads on this platform ({@code auto}, the default), or the JDK's {@code SSLEngine}.
 */
public enum TlsEngine {
    /** BoringSSL where its native library loads, the JDK's TLS elsewhere. */
    auto,
    /** BoringSSL (Conscrypt); fails to start where it does not load. */
    boringssl,
    /** The JDK's own {@code SSLEngine}. */
    jdk;

    /** The implementation this choice comes to here: {@link #boringssl} or {@link #jdk}. */
    public TlsEngine resolved() {
        return this == auto ? (NativeTls.available() ? boringssl : jdk) : this;
    }

    /** A server context presenting {@code keys}' certificate. */
    SSLContext serverContext(KeyManager[] keys) throws GeneralSecurityException {
        if (resolved() == boringssl) {
            return NativeTls.server(keys);
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, null, null);
        return context;
    }

    /** For the start-up banner: what serves TLS. */
    String describe() {
        return resolved() == boringssl ? "BoringSSL (" + NativeTls.version() + ")" : "the JDK's TLS";
    }
}
