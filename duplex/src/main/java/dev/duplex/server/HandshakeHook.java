package dev.duplex.server;

/**
 * Inspects each WebSocket upgrade request after routing and the origin check, before the reply is
 * sent, and decides: accept (optionally choosing a subprotocol, adding response headers and an
 * attachment) or reject with a status and body. Runs on the event loop: must not block.
 *
 * <pre>{@code
 * .handshakeHook(req -> req.cookies().containsKey("session")
 *         ? HandshakeDecision.accept().attach(lookup(req.cookies().get("session")))
 *         : HandshakeDecision.reject(401, "log in first"))
 * }</pre>
 */
@FunctionalInterface
public interface HandshakeHook {

    HandshakeDecision onHandshake(ServerRequest request);
}
