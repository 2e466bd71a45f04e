package dev.duplex.server;

import dev.duplex.protocol.CloseCode;
import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.Headers;
import dev.duplex.protocol.HttpRequest;
import dev.duplex.protocol.HttpResponse;
import dev.duplex.protocol.PerMessageDeflate;
import dev.duplex.protocol.ServerHandshake;
import dev.duplex.transport.Acceptor;
import dev.duplex.transport.ConnectionConfig;
import dev.duplex.transport.Dispatch;
import dev.duplex.transport.EventLoopGroup;
import dev.duplex.transport.ServerCallbacks;
import dev.duplex.transport.ServerExchange;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Map;

/** The running side of a {@link WebSocketServer}: routing, the upgrade, plain HTTP, shutdown. */
final class ServerRuntime implements ServerCallbacks {

    private static final System.Logger LOG = System.getLogger(WebSocketServer.class.getName());

    private final WebSocketServer.Builder config;
    private final OpenSockets open = new OpenSockets();
    /** One instance for every socket's listener (a method reference per socket would be an object each). */
    /** Every socket's transport events go through this one listener (see ServerWebSocket.Events). */
    private final ServerWebSocket.Events events = new ServerWebSocket.Events(open::removeSocket);
    private EventLoopGroup group;
    private Acceptor acceptor;
    private volatile InetSocketAddress address;
    private boolean started;
    private boolean stopped;
    /** Set once, when a shutdown starts: upgrades are answered 503 from then on. */
    private volatile boolean draining;
    /** Set by close() during a shutdown: the shutdown stops waiting and drops what is left. */
    private volatile boolean cutShort;

    ServerRuntime(WebSocketServer server) {
        this.config = server.config;
    }

    synchronized void start() {
        if (started) {
            throw new IllegalStateException("server already started");
        }
        started = true;
        WebSocketServer.Builder c = config;
        SecureRandom random = new SecureRandom();
        ConnectionConfig cc = new ConnectionConfig(c.limits, random::nextInt, c.deflate ? c.compressionThreshold : 0, c.compressionLevel,
                c.handshakeTimeout, c.closeTimeout, c.idleTimeout, c.pingInterval, c.pongTimeout,
                c.maxBufferedBytes, Math.min(c.maxBufferedBytes, 4L << 20), 1L << 20,
                c.virtualThreadHandlers ? Dispatch.virtualThread() : null, 64, 16, c.metrics);
        int threads = c.threads > 0 ? c.threads : EventLoopGroup.defaultThreads();
        group = new EventLoopGroup("duplex-server", threads, c.clock, false);
        InetSocketAddress bind = c.bindAddress == null ? new InetSocketAddress(c.port)
                : new InetSocketAddress(c.bindAddress, c.port);
        try {
            acceptor = Acceptor.bind(group, bind, c.backlog, cc, c.sslContext, this, c.maxConnections);
        } catch (IOException e) {
            group.close();
            throw new UncheckedIOException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
        address = acceptor.address();
    }

    int port() {
        InetSocketAddress a = address;
        return a == null ? -1 : a.getPort();
    }

    InetSocketAddress address() {
        return address;
    }

    Collection<ServerWebSocket> connections() {
        return open;
    }

    boolean draining() {
        return draining;
    }

    /** See {@link WebSocketServer#shutdown(java.time.Duration)}. */
    int shutdown(java.time.Duration grace) {
        if (!markStopped()) {
            return 0;
        }
        long deadline = System.nanoTime() + grace.toNanos();
        draining = true;
        // A socket upgraded while this walk runs is closed by upgrade() itself (it reads draining).
        for (ServerWebSocket ws : open) {
            sayGoingAway(ws);
        }
        while (!open.isEmpty() && !cutShort && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int dropped = open.size();
        stopNow();
        return dropped;
    }

    /** See {@link WebSocketServer#close()}. */
    void close() {
        if (markStopped()) {
            stopNow();
        } else {
            cutShort = true;
        }
    }

    private synchronized boolean markStopped() {
        if (!started || stopped) {
            return false;
        }
        stopped = true;
        return true;
    }

    private void stopNow() {
        acceptor.close().join();
        group.shutdown().join();
    }

    private static void sayGoingAway(ServerWebSocket ws) {
        ws.channel().close(CloseCode.GOING_AWAY, "server shutting down");
    }

    // ---------------------------------------------------------------------------------------------
    // Requests (on the connection's loop)

    @Override
    public void onRequest(HttpRequest request, ServerExchange exchange) {
        if (ServerHandshake.isUpgradeRequest(request)) {
            upgrade(request, exchange);
        } else {
            serveHttp(request, new ServerRequest(request.method(), request.target(), request.headers(),
                    exchange.remoteAddress()), exchange);
        }
    }

    /** An accept decision with nothing added: what an upgrade without a hook (or a hook's null) gets. */
    private static final HandshakeDecision ACCEPT = HandshakeDecision.accept();

    private void upgrade(HttpRequest request, ServerExchange exchange) {
        if (draining) {
            exchange.reject(ServerHandshake.reject(503, "Server is shutting down; try another.\n"));
            return;
        }
        String path = ServerRequest.path(request.target());
        WebSocketServer.Route route = null;
        Map<String, String> params = null;
        for (int i = 0; i < config.routes.size(); i++) {
            WebSocketServer.Route r = config.routes.get(i);
            params = r.pattern().match(path);
            if (params != null) {
                route = r;
                break;
            }
        }
        if (route == null) {
            exchange.reject(ServerHandshake.reject(404, "No WebSocket endpoint at " + path + "\n"));
            return;
        }
        // RFC 6455 10.2: the origin check protects browsers' users from cross-site WebSockets.
        if (!config.originPolicy.allows(request.header("Origin"), request.header("Host"))) {
            exchange.reject(ServerHandshake.reject(403, "Origin not allowed\n"));
            return;
        }
        ServerHandshake hs;
        try {
            hs = ServerHandshake.validate(request, config.deflate
                    ? PerMessageDeflate.Options.DEFAULT : PerMessageDeflate.Options.DISABLED);
        } catch (HandshakeException e) {
            exchange.reject(e.toResponse());
            return;
        }
        // Without a hook nothing reads the whole request: the socket's copy is made in one go.
        ServerRequest req = config.handshakeHook == null ? null
                : new ServerRequest(request.method(), request.target(), request.headers(), exchange.remoteAddress())
                        .withPathParams(params);
        HandshakeDecision decision = ACCEPT;
        if (config.handshakeHook != null) {
            try {
                decision = config.handshakeHook.onHandshake(req);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "handshake hook threw", e);
                exchange.reject(ServerHandshake.reject(500, "Internal Server Error\n"));
                return;
            }
            if (decision == null) {
                decision = ACCEPT;
            }
        }
        Headers extra = extraHeaders(decision);
        if (!decision.accept) {
            HttpResponse r = ServerHandshake.reject(decision.status, decision.body);
            Headers.Builder h = r.headers().toBuilder();
            decision.headers.forEach(e -> h.add(e.getKey(), e.getValue()));
            exchange.reject(new HttpResponse(r.status(), r.reason(), h.build(), r.body()));
            return;
        }
        String subprotocol = decision.subprotocol != null ? decision.subprotocol
                : hs.selectSubprotocol(config.subprotocols);
        ServerHandshake.Accepted accepted;
        try {
            accepted = hs.accept(subprotocol, extra);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "handshake hook chose an invalid answer", e);
            exchange.reject(ServerHandshake.reject(500, "Internal Server Error\n"));
            return;
        }
        ServerRequest kept = req != null ? req.withoutHandshakeFields()
                : ServerRequest.forSocket(request.method(), request.target(), request.headers(),
                        exchange.remoteAddress(), params);
        ServerWebSocket ws = new ServerWebSocket(exchange.channel(), kept, route.handler(), decision.attachment);
        open.addSocket(ws);
        exchange.channel().attach(ws);
        exchange.upgrade(accepted, events);
        if (route.handler().receivesParts()) {
            exchange.channel().streamMessages(true); // on this loop, before any frame is read
        }
        if (draining) {
            sayGoingAway(ws); // upgraded while shutdown() walked the open sockets: it may have missed this one
        }
    }

    private static Headers extraHeaders(HandshakeDecision decision) {
        if (decision.headers.isEmpty()) {
            return Headers.EMPTY;
        }
        Headers.Builder extra = Headers.builder();
        decision.headers.forEach(e -> extra.add(e.getKey(), e.getValue()));
        return extra.build();
    }

    private void serveHttp(HttpRequest request, ServerRequest req, ServerExchange exchange) {
        String method = request.method();
        boolean head = method.equals("HEAD");
        String path = req.path();
        for (WebSocketServer.HttpRoute r : config.httpRoutes) {
            Map<String, String> params = r.pattern().match(path);
            if (params != null) {
                HttpReply reply = r.handler().handle(req.withPathParams(params));
                if (reply != null) {
                    exchange.respond(toResponse(reply), head);
                    return;
                }
            }
        }
        if (method.equals("GET") || head) {
            for (StaticMount m : config.staticMounts) {
                try {
                    StaticMount.Resource res = m.find(path);
                    if (res != null) {
                        exchange.respond(response(200, res.contentType(), res.body(), Headers.EMPTY), head);
                        return;
                    }
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot read static file for " + path, e);
                    exchange.respond(text(500, "Internal Server Error\n"), head);
                    return;
                }
            }
            for (WebSocketServer.Route r : config.routes) {
                if (r.pattern().match(path) != null) {
                    exchange.respond(response(426, "text/plain; charset=utf-8",
                            "This is a WebSocket endpoint; send an Upgrade request.\n".getBytes(StandardCharsets.UTF_8),
                            Headers.of("Upgrade", "websocket", "Connection", "Upgrade")), head);
                    return;
                }
            }
            exchange.respond(text(404, "Not Found\n"), head);
            return;
        }
        if (!config.staticMounts.isEmpty() || !config.routes.isEmpty()) {
            exchange.respond(response(405, "text/plain; charset=utf-8",
                    "Method Not Allowed\n".getBytes(StandardCharsets.UTF_8), Headers.of("Allow", "GET, HEAD")), false);
        } else {
            exchange.respond(text(404, "Not Found\n"), false);
        }
    }

    private static HttpResponse toResponse(HttpReply reply) {
        Headers.Builder h = Headers.builder();
        reply.headers.forEach(e -> h.add(e.getKey(), e.getValue()));
        return response(reply.status, reply.contentType, reply.body, h.build());
    }

    private static HttpResponse text(int status, String body) {
        return response(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Headers.EMPTY);
    }

    private static HttpResponse response(int status, String contentType, byte[] body, Headers extra) {
        Headers.Builder h = extra.toBuilder();
        if (contentType != null) {
            h.set("Content-Type", contentType);
        }
        h.set("Content-Length", Integer.toString(body.length));
        h.set("Cache-Control", "no-cache");
        return new HttpResponse(status, HttpResponse.reasonPhrase(status), h.build(), body);
    }
}
