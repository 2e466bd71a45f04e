package dev.duplex;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * The seam between {@link WebSocket} (the WHATWG rules) and whatever carries bytes (the NIO transport
 * in production, fakes in tests). The connector establishes the connection — TCP, proxy, TLS, the
 * opening handshake with every RFC 6455 4.1 check — and then pumps events.
 */
interface ClientConnector {

    /**
     * Prepares a connection; nothing happens until {@link Link#start()}, so the caller can store the link
     * before the first event arrives.
     */
    Link prepare(Request request, Events events);

    /** What to connect to and how. {@code protocols} are already validated. */
    record Request(WebSocketUrl url, List<String> protocols, WebSocketOptions options) {
    }

    /** Commands into the connection. Thread-safe; never blocks; never throws for a closed connection. */
    interface Link {

        /** Starts connecting in the background. */
        void start();

        /**
         * Queues a text message of {@code size} UTF-8 bytes. Returns false (and queues nothing) once the
         * connection is closing or closed.
         */
        boolean sendText(String text, long size);

        /** Queues a binary message the link may keep (the caller made it immutable). */
        boolean sendBinary(ByteBuffer data, long size);

        /** Payload bytes queued by the sends above and not yet handed to the network. */
        long outstanding();

        /**
         * Starts the closing handshake: a close frame with {@code code} and {@code reason}, or with an
         * empty body when {@code code} is -1 (RFC 6455 5.5.1).
         */
        void close(int code, String reason);

        /**
         * Fails the connection (RFC 6455 7.1.7): while connecting, gives up; once open, closes TCP without
         * waiting for a closing handshake. {@link Events#closed} follows with {@code failed} set.
         */
        void fail(Throwable cause);

        /** Stops reading from the network until {@link #resumeReading()} (WebSocketStream's backpressure). */
        default void pauseReading() {
        }

        default void resumeReading() {
        }

    }

    /**
     * What the connection reports, called one at a time, in order, each happening-before the next,
     * never re-entrantly. {@link #closed} is called exactly once and last — also when connecting failed.
     */
    interface Events {

        /** The opening handshake succeeded with this subprotocol and these extensions ("" for none). */
        void opened(String protocol, String extensions);

        void text(String text);

        /** A binary message; {@code data} belongs to the receiver. */
        void binary(ByteBuffer data);

        /** The server's close frame arrived: the closing handshake has started (WHATWG §closeWebSocket). */
        void closing(int code, String reason);

        /**
         * The connection is closed. {@code failed}: the connection was failed (RFC 6455 7.1.7) — the client
         * then reports 1006 whatever {@code code} says. {@code cause} explains a failure, or is null.
         */
        void closed(int code, String reason, boolean wasClean, boolean failed, Throwable cause);

        /**
         * {@code bytes} of payload were written to the network (never bytes dropped on close). Called on
         * a transport thread right after the write, outside the order above: it must not block.
         */
        default void written(long bytes) {
        }
    }
}
