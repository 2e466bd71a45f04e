package dev.duplex.transport;

import java.util.List;
import java.util.Map;

/**
 * What the opening handshake settled (RFC 6455 4.1, 4.2.2).
 *
 * @param subprotocol the subprotocol the server selected, or {@code ""}
 * @param extensions  the negotiated {@code Sec-WebSocket-Extensions} value as sent on the wire, or {@code ""}
 * @param status      the HTTP status of the handshake response (101)
 * @param headers     the 101's headers: as received (client) or as sent (server; the request is the
 *                    server API's {@code ServerRequest}); names in lower case, values in order; unmodifiable
 */
public record OpenInfo(String subprotocol, String extensions, int status, Map<String, List<String>> headers) {

    public OpenInfo {
        headers = headers instanceof HeaderMaps.Lazy ? headers : Map.copyOf(headers);   // Lazy: unmodifiable already
    }
}
