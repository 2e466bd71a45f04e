package dev.duplex.transport;

import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.HttpHeadParser;
import dev.duplex.protocol.HttpRequest;
import dev.duplex.protocol.HttpResponse;
import dev.duplex.protocol.ServerHandshake;

import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A server connection's HTTP exchange before the upgrade: reads each request head (the HTTP rules
 * live in {@link HttpHeadParser} and {@link ServerHandshake}), refuses request bodies (413), decides
 * keep-alive, and lets the server answer each request exactly once: an HTTP reply (the connection
 * stays for the next request when kept alive), a refusal (closed once written), or the upgrade (the
 * 101, and from then on the connection is a WebSocket and this exchange is gone). Loop thread only.
 */
final class ServerHttpExchange implements ServerExchange, HttpPhase {

    private static final System.Logger LOG = System.getLogger(ServerHttpExchange.class.getName());

    private final SocketConnection connection;
    private final ServerCallbacks callbacks;
    private final HttpHeadParser<HttpRequest> parser;
    private boolean answered;
    private boolean keepAlive;

    ServerHttpExchange(SocketConnection connection, ServerCallbacks callbacks, ConnectionConfig config) {
        this.connection = connection;
        this.callbacks = callbacks;
        this.parser = HttpHeadParser.requests(config.limits(), connection.loop.headScratch());
    }

    @Override
    public void onBytes(ByteBuffer in) {
        HttpRequest request;
        try {
            request = parser.parse(in);
        } catch (HandshakeException e) {
            in.position(in.limit());
            reject(e.toResponse());
            return;
        }
        if (request == null) {
            return;
        }
        String length = request.header("Content-Length");
        if ((length != null && !length.trim().equals("0")) || request.headers().contains("Transfer-Encoding")) {
            in.position(in.limit());
            reject(HttpResponse.text(413, "Request bodies are not accepted here.\n"));
            return;
        }
        keepAlive = request.version().equals("HTTP/1.1")
                ? !request.headers().containsToken("Connection", "close")
                : request.headers().containsToken("Connection", "keep-alive");
        answered = false;
        try {
            callbacks.onRequest(request, this);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "request handler failed", e);
        }
        if (!answered) {
            reject(HttpResponse.text(500, "Internal Server Error\n"));
        }
    }

    @Override
    public void upgrade(ServerHandshake.Accepted accepted, ChannelListener listener) {
        checkAnswer();
        connection.upgrade(accepted, listener);
    }

    @Override
    public void respond(HttpResponse response, boolean headOnly) {
        checkAnswer();
        byte[] bytes = response.toBytes();
        if (headOnly) {
            bytes = Arrays.copyOf(bytes, bytes.length - response.body().length);
        }
        if (keepAlive) {
            parser.reset();
            connection.writeHttp(bytes, false);
            connection.restartHandshakeTimer(); // the next request gets a full timeout of its own
        } else {
            connection.writeHttp(bytes, true);
        }
    }

    @Override
    public void reject(HttpResponse response) {
        answered = true;
        connection.metrics().handshakeRejected(response.status());
        connection.writeHttp(response.toBytes(), true);
    }

    private void checkAnswer() {
        if (answered) {
            throw new IllegalStateException("request already answered");
        }
        answered = true;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return connection.remoteAddress();
    }

    @Override
    public boolean secure() {
        return connection.secure();
    }

    @Override
    public WsChannel channel() {
        return connection;
    }
}
