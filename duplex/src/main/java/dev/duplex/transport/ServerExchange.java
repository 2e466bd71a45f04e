package dev.duplex.transport;

import dev.duplex.protocol.HttpResponse;
import dev.duplex.protocol.ServerHandshake;

import java.net.InetSocketAddress;

/** One request on a server connection, to be answered once. Loop thread only. */
public interface ServerExchange {

    InetSocketAddress remoteAddress();

    /** Whether the connection is TLS. */
    boolean secure();

    /** The channel the WebSocket will be, once upgraded (CONNECTING until then). */
    WsChannel channel();

    /**
     * Writes the 101 response and opens the WebSocket; bytes after the request head are fed to the
     * new protocol connection. The listener's {@code onOpen} is called next, then its events.
     */
    void upgrade(ServerHandshake.Accepted accepted, ChannelListener listener);

    /**
     * Writes a plain HTTP response. The connection stays open for the next request unless the
     * request asked to close (or was HTTP/1.0 without keep-alive).
     *
     * @param headOnly true for a HEAD request: headers as for GET, no body
     */
    void respond(HttpResponse response, boolean headOnly);

    /** Writes a response (e.g. a refused upgrade) and closes the connection. */
    void reject(HttpResponse response);
}
