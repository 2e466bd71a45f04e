package dev.duplex.transport;

import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.Headers;
import dev.duplex.protocol.HttpHeadParser;
import dev.duplex.protocol.HttpRequest;
import dev.duplex.protocol.HttpResponse;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * Opens a client's TCP connection: resolves the host off the loop, connects within the connect
 * timeout, tunnels through an HTTP {@code CONNECT} proxy when one is configured, and prepares TLS
 * (SNI, host name verification always on). It then hands the channel, its selection key, the TLS
 * session and any bytes read past the proxy's answer to its {@link SocketConnection}, which runs
 * the TLS and opening handshakes, and is done. Failures go to the connection as connect failures
 * with the step that failed. Loop thread only, but for the name lookup.
 */
final class ClientDialer implements EventLoop.Handler {

    private final EventLoop loop;
    private final ClientOptions options;
    private final SocketConnection connection;
    private SocketChannel channel;
    private SelectionKey key;
    private Timer timeout;
    /** The CONNECT request still to write, then null. */
    private ByteBuffer proxyRequest;
    private HttpHeadParser<HttpResponse> proxyResponse;
    private boolean done;

    ClientDialer(EventLoop loop, ClientOptions options, SocketConnection connection) {
        this.loop = loop;
        this.options = options;
        this.connection = connection;
    }

    /** Starts: the name lookup blocks, so it runs on a virtual thread and the rest comes back to the loop. */
    void start() {
        String host = stripBrackets(options.host);
        InetSocketAddress proxy = options.proxy;
        Thread.ofVirtual().name("duplex-resolve").start(() -> {
            InetSocketAddress target = proxy != null
                    ? (proxy.isUnresolved() ? new InetSocketAddress(proxy.getHostString(), proxy.getPort()) : proxy)
                    : new InetSocketAddress(host, options.port);
            loop.execute(() -> {
                if (done) {
                    return;
                }
                if (target.isUnresolved()) {
                    fail(ConnectException.Step.RESOLVE, "cannot resolve " + target.getHostString(),
                            new UnknownHostException(target.getHostString()));
                } else {
                    connect(target);
                }
            });
        });
    }

    private void connect(InetSocketAddress target) {
        try {
            channel = SocketChannel.open();
            TransportMetrics.SOCKETS.incrementAndGet();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            timeout = loop.schedule(() -> fail(ConnectException.Step.TIMEOUT,
                    "connect timed out after " + options.connectTimeout.toMillis() + " ms", new TimeoutException()),
                    options.connectTimeout.toNanos());
            boolean connected = channel.connect(target);
            key = loop.register(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
            if (connected) {
                onConnected();
            }
        } catch (IOException | RuntimeException e) {
            fail(ConnectException.Step.CONNECT, "cannot connect to " + target + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void onReady(SelectionKey k) {
        if (done || !k.isValid()) {
            return;
        }
        int ready = k.readyOps();
        try {
            if ((ready & SelectionKey.OP_CONNECT) != 0) {
                if (!channel.finishConnect()) {
                    return;
                }
                key.interestOps(SelectionKey.OP_READ);
                onConnected();
                return;
            }
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                writeProxyRequest();
            }
            if ((ready & SelectionKey.OP_READ) != 0 && !done) {
                readProxyResponse();
            }
        } catch (IOException e) {
            ConnectException.Step step = proxyResponse == null ? ConnectException.Step.CONNECT : ConnectException.Step.PROXY;
            fail(step, "cannot connect: " + e.getMessage(), e);
        }
    }

    private void onConnected() throws IOException {
        if (options.proxy == null) {
            handOver(null);
            return;
        }
        String authority = authority(stripBrackets(options.host), options.port);
        Headers.Builder h = Headers.builder().add("Host", authority);
        if (options.proxyAuthorization != null) {
            h.add("Proxy-Authorization", options.proxyAuthorization);
        }
        proxyRequest = ByteBuffer.wrap(new HttpRequest("CONNECT", authority, "HTTP/1.1", h.build()).toBytes());
        proxyResponse = HttpHeadParser.responses(options.limits);
        writeProxyRequest();
    }

    private void writeProxyRequest() throws IOException {
        if (proxyRequest == null) {
            return;
        }
        channel.write(proxyRequest);
        if (proxyRequest.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else {
            proxyRequest = null;
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void readProxyResponse() throws IOException {
        if (proxyResponse == null) {
            return; // plain TCP: nothing is read before the hand-over
        }
        ByteBuffer in = loop.readBuffer();
        if (channel.read(in) < 0) {
            fail(ConnectException.Step.PROXY, "the proxy closed the connection", new EOFException("connection closed"));
            return;
        }
        in.flip();
        HttpResponse response;
        try {
            response = proxyResponse.parse(in);
        } catch (HandshakeException e) {
            fail(ConnectException.Step.PROXY, "malformed proxy response: " + e.getMessage(), e);
            return;
        }
        if (response == null) {
            return;
        }
        if (response.status() / 100 != 2) {
            fail(ConnectException.Step.PROXY, "proxy refused CONNECT: " + response.status() + " " + response.reason(), null);
            return;
        }
        // Bytes after the proxy's head are the server's: the connection reads them first.
        ByteBuffer rest = in.hasRemaining() ? ByteBuffer.allocate(in.remaining()).put(in).flip() : null;
        handOver(rest);
    }

    private void handOver(ByteBuffer leftover) {
        TlsSession tls = null;
        if (options.secure) {
            try {
                tls = new TlsSession(clientEngine());
                TransportMetrics.TLS_SESSIONS.incrementAndGet();
            } catch (GeneralSecurityException | RuntimeException e) {
                fail(ConnectException.Step.TLS, "TLS setup failed: " + e.getMessage(), e);
                return;
            }
        }
        done = true;
        cancelTimeout();
        key.attach(connection);
        connection.dialed(new NioSocket(key), tls, leftover);
    }

    /** An engine for the server's name: SNI for host names, RFC 6125 host name verification as HTTPS does. */
    private SSLEngine clientEngine() throws GeneralSecurityException {
        SSLContext ctx = options.sslContext != null ? options.sslContext : SSLContext.getDefault();
        String host = stripBrackets(options.host);
        SSLEngine engine = ctx.createSSLEngine(host, options.port);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        engine.setSSLParameters(p);
        return engine;
    }

    private void fail(ConnectException.Step step, String message, Throwable cause) {
        if (done) {
            return;
        }
        connection.failConnect(step, message, cause); // closes this dialer's channel (abort)
    }

    /** Gives up: closes the channel if it was not handed over yet. Idempotent. */
    void abort() {
        if (done) {
            return;
        }
        done = true;
        cancelTimeout();
        if (key != null) {
            key.cancel();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            TransportMetrics.SOCKETS.decrementAndGet();
        }
    }

    private void cancelTimeout() {
        if (timeout != null) {
            timeout.cancel();
            timeout = null;
        }
    }

    static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String authority(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
    }
}
