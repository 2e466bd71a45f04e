/**
 * Duplex: WebSockets for Java. Zero runtime dependencies.
 *
 * <ul>
 *   <li>{@code dev.duplex} — the browser-shaped clients ({@code WebSocket}, {@code WebSocketStream}), and
 *       {@code ReconnectingWebSocket}, which makes one {@code WebSocket} after another.</li>
 *   <li>{@code dev.duplex.server} — the server API.</li>
 *   <li>{@code dev.duplex.concurrent} — {@code SerialExecutor}, the one way Duplex runs an owner's tasks
 *       in order (a socket's events, a room's state) without locks.</li>
 *   <li>{@code dev.duplex.metrics} — the metrics hook the server and client report to.</li>
 *   <li>{@code dev.duplex.protocol} — the sans-I/O RFC 6455 / RFC 7692 core: bytes in, events out.</li>
 * </ul>
 */
module dev.duplex {
    exports dev.duplex;
    exports dev.duplex.concurrent;
    exports dev.duplex.metrics;
    exports dev.duplex.protocol;
    exports dev.duplex.server;
}
