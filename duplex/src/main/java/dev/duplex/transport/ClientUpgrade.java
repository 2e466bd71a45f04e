package dev.duplex.transport;

import dev.duplex.protocol.ClientHandshake;
import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.Headers;
import dev.duplex.protocol.HttpHeadParser;
import dev.duplex.protocol.HttpResponse;

import java.nio.ByteBuffer;

/**
 * A client's side of the opening handshake (RFC 6455 4.1) over a connected, and when secure
 * TLS-established, channel: sends the upgrade request {@link ClientHandshake} builds and checks the
 * server's response with it. A valid 101 opens the connection; anything else fails the connect with
 * the reason. Loop thread only.
 */
final class ClientUpgrade implements HttpPhase {

    private final SocketConnection connection;
    private final ClientOptions options;
    private final ChannelListener listener;
    private final HttpHeadParser<HttpResponse> parser;
    private ClientHandshake handshake;

    ClientUpgrade(SocketConnection connection, ClientOptions options, ChannelListener listener) {
        this.connection = connection;
        this.options = options;
        this.listener = listener;
        this.parser = HttpHeadParser.responses(options.limits);
    }

    /** Sends the request. */
    void start() {
        try {
            Headers.Builder h = Headers.builder();
            options.headers.forEach((name, values) -> values.forEach(v -> h.add(name, v)));
            handshake = ClientHandshake.create(options.uri, options.subprotocols, options.offerDeflate,
                    h.build(), options.masks);
        } catch (RuntimeException e) {
            connection.failConnect(ConnectException.Step.HANDSHAKE,
                    "cannot build the handshake request: " + e.getMessage(), e);
            return;
        }
        connection.writeHttp(handshake.toBytes(), false);
    }

    @Override
    public void onBytes(ByteBuffer in) {
        HttpResponse response;
        ClientHandshake.Result result;
        try {
            response = parser.parse(in);
            if (response == null) {
                return;
            }
            result = handshake.verify(response);
        } catch (HandshakeException e) {
            in.position(in.limit());
            connection.failConnect(ConnectException.Step.HANDSHAKE, e.getMessage(), e);
            return;
        }
        connection.open(result.subprotocol(), result.extensions(), result.deflate(), listener,
                new OpenInfo(result.subprotocol(), result.extensions(), response.status(),
                        HeaderMaps.toMap(response.headers())));
    }
}
