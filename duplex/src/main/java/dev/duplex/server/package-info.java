/**
 * The Duplex WebSocket server: RFC 6455 with permessage-deflate (RFC 7692) and TLS, plain HTTP on the
 * same port, on non-blocking event loops (one per core).
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.builder()
 *         .port(8080)
 *         .route("/echo", ws -> ws.onmessage(ws::send))
 *         .build()
 *         .start();
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.duplex.server.WebSocketServer} — the builder (port, routes, TLS, limits, timeouts,
 *       subprotocols, compression, origin policy, handshake hook, static files, HTTP handlers), then
 *       {@code start()}, {@code port()}, {@code connections()}, {@code stop()}.</li>
 *   <li>{@link dev.duplex.server.ServerWebSocket} — one accepted peer, shaped like the browser's
 *       {@code WebSocket}: {@code send}, {@code close}, {@code readyState}, {@code bufferedAmount},
 *       {@code on*} handlers; plus {@code request()}, {@code pathParam()}, {@code attachment()}.</li>
 *   <li>{@link dev.duplex.server.WebSocketHandler} — called per accepted socket; handlers run on the
 *       socket's event loop (in order, never concurrently, must not block) unless the server opts
 *       into per-connection virtual-thread executors.</li>
 *   <li>{@link dev.duplex.server.Broadcast} — encode once, send to many; slow peers skipped or closed.</li>
 *   <li>{@link dev.duplex.server.OriginPolicy}, {@link dev.duplex.server.HandshakeHook} — who may connect.</li>
 * </ul>
 *
 * <p>Defaults worth knowing: peers may send messages up to 1 MiB ({@code Limits.DEFAULTS}); the
 * origin policy accepts requests without {@code Origin} and same-host origins; compression is
 * accepted when offered, for messages of 64 bytes or more; there is no idle timeout and no
 * keep-alive ping unless configured; {@code stop()} waits up to 5 s for closing handshakes.
 */
package dev.duplex.server;
