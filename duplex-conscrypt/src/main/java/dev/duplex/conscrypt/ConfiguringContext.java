package dev.duplex.conscrypt;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.util.function.Consumer;
import org.conscrypt.Conscrypt;

/**
 * An {@code SSLContext} that hands each engine the wrapped context makes to a configurer first
 * (for {@link NativeTls}: Conscrypt's session tickets on); everything else is the wrapped context's own.
 */
final class ConfiguringContext extends SSLContext {

    private ConfiguringContext(SSLContext wrapped, Consumer<SSLEngine> configure) {
        super(new Spi(wrapped, configure), wrapped.getProvider(), wrapped.getProtocol());
    }

    /** {@code conscrypt}'s engines with session tickets on. */
    static SSLContext withTickets(SSLContext conscrypt) {
        return of(conscrypt, engine -> Conscrypt.setUseSessionTickets(engine, true));
    }

    static SSLContext of(SSLContext wrapped, Consumer<SSLEngine> configure) {
        return new ConfiguringContext(wrapped, configure);
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext wrapped;
        private final Consumer<SSLEngine> configure;

        Spi(SSLContext wrapped, Consumer<SSLEngine> configure) {
            this.wrapped = wrapped;
            this.configure = configure;
        }

        private SSLEngine configured(SSLEngine engine) {
            configure.accept(engine);
            return engine;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return configured(wrapped.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return configured(wrapped.createSSLEngine(host, port));
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
            wrapped.init(km, tm, random);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return wrapped.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return wrapped.getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return wrapped.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return wrapped.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return wrapped.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return wrapped.getSupportedSSLParameters();
        }
    }
}
