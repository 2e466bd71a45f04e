package dev.duplex.server;

/**
 * Answers a plain HTTP request (not an upgrade) on the server's port, e.g. {@code /health}. Runs on
 * the event loop: must not block. Returning null falls through to static files, then 404.
 */
@FunctionalInterface
public interface HttpHandler {

    HttpReply handle(ServerRequest request);
}
