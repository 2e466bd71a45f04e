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
import org.conscrypt.Conscrypt;

/**
 * A Conscrypt {@code SSLContext} whose engines have session tickets turned on; everything else is
 * the wrapped context's own.
 */
final class TicketingContext extends SSLContext {

    private TicketingContext(SSLContext conscrypt) {
        super(new Spi(conscrypt), conscrypt.getProvider(), conscrypt.getProtocol());
    }

    static SSLContext of(SSLContext conscrypt) {
        return new TicketingContext(conscrypt);
    }

    private static final class Spi extends SSLContextSpi {
        private final SSLContext conscrypt;

        Spi(SSLContext conscrypt) {
            this.conscrypt = conscrypt;
        }

        private static SSLEngine withTickets(SSLEngine engine) {
            Conscrypt.setUseSessionTickets(engine, true);
            return engine;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return withTickets(conscrypt.createSSLEngine());
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return withTickets(conscrypt.createSSLEngine(host, port));
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) throws KeyManagementException {
            conscrypt.init(km, tm, random);
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return conscrypt.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return conscrypt.getServerSocketFactory();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return conscrypt.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return conscrypt.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            return conscrypt.getDefaultSSLParameters();
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return conscrypt.getSupportedSSLParameters();
        }
    }
}
