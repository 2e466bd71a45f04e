package dev.duplex.metrics;

/**
 * What a server (or client) reports about its connections, for an application to count: a hook
 * with no dependency, a no-op ({@link #NONE}) unless one is configured. Duplex keeps no counters of
 * its own here; an implementation adds to its own (e.g. {@link java.util.concurrent.atomic.LongAdder}s
 * read by a metrics registry).
 *
 * <p>Threading: methods are called on the event-loop threads, from several loops at once, on the
 * hot path (once per message, once per socket read and write). An implementation must be
 * thread-safe, must not block, should not allocate and should not make loops contend on one
 * memory word (a {@code LongAdder} per counter does neither; an {@code AtomicLong} does).
 *
 * <p>Cardinality: every argument comes from a small set (a close code, an HTTP status, a
 * {@link Limit}); nothing is per path, per client or per message. Close codes 3000-4999 are chosen
 * by applications and peers, so an implementation that labels by code should fold them into a
 * class ("4xxx") rather than label each one.
 *
 * <p>Where each is called (the transport's {@code SocketConnection} and {@code Acceptor}, the
 * server's {@code Broadcast}):
 * <ul>
 *   <li>{@link #connectionOpened()} when the opening handshake succeeds (101 sent or verified);</li>
 *   <li>{@link #connectionClosed(int)} once per opened connection, when its {@code Closed} event is
 *       delivered: opened minus closed is the number open now;</li>
 *   <li>{@link #handshakeRejected(int)} when a request head is answered with an error status and the
 *       socket closed (400, 403, 404, 413, 431, 500, 503 while draining, a hook's status); plain
 *       HTTP answers are not counted;</li>
 *   <li>{@link #messageReceived()} / {@link #messageSent()} per data message (a streamed message
 *       counts once, at its last part); pings, pongs and closes are not messages;</li>
 *   <li>{@link #bytesReceived(long)} / {@link #bytesSent(long)} per socket read and write: bytes on
 *       the wire, after TLS, handshakes and frame headers included;</li>
 *   <li>{@link #limitExceeded(Limit)} when a limit closes a connection or drops a message (the
 *       browser-shaped client's own {@code maxBufferedAmount} check, which errors before the
 *       transport's hard limit, is not reported);</li>
 *   <li>{@link #slowConsumerClosed()} when a connection is closed for falling behind on what it is
 *       sent (its send queue over its hard limit, or a {@code Broadcast} with {@code Overflow.CLOSE}).</li>
 * </ul>
 */
public interface WebSocketMetrics {

    /** Reports nothing: the default. */
    WebSocketMetrics NONE = new WebSocketMetrics() {};

    /** A WebSocket opening handshake succeeded. */
    default void connectionOpened() {}

    /** An opened WebSocket ended with {@code code} (1005 when no code was received, 1006 when dropped). */
    default void connectionClosed(int code) {}

    /** A request head was answered with {@code status} and the socket closed. */
    default void handshakeRejected(int status) {}

    /** A whole data message arrived. */
    default void messageReceived() {}

    /** A data message was queued for sending. */
    default void messageSent() {}

    /** {@code bytes} were read from a socket. */
    default void bytesReceived(long bytes) {}

    /** {@code bytes} were written to a socket. */
    default void bytesSent(long bytes) {}

    /** {@code limit} closed a connection or dropped a message. */
    default void limitExceeded(Limit limit) {}

    /** A connection was closed for being too slow to take what it is sent. */
    default void slowConsumerClosed() {}
}
