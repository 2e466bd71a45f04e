package dev.duplex.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Tag;
import dev.duplex.protocol.ClientHandshake;
import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.Headers;
import dev.duplex.protocol.HttpHeadParser;
import dev.duplex.protocol.HttpRequest;
import dev.duplex.protocol.HttpResponse;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.PerMessageDeflate;
import dev.duplex.protocol.ServerHandshake;

import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;

import static dev.duplex.fuzz.ConnectionFuzzTest.check;

/**
 * Fuzz targets over the opening handshake: the incremental HTTP head parser (fed in fuzzed chunks),
 * the server's request validation and response, the client's response verification, and the
 * {@code Sec-WebSocket-Extensions} parser with permessage-deflate negotiation both ways. Only the
 * documented exceptions may escape ({@link HandshakeException} with a 4xx status on the server side;
 * {@link IllegalArgumentException} from the extension parser), and what is accepted must be usable.
 */
@Tag("fuzz")
class HandshakeFuzzTest {

    private static final Limits LIMITS = Limits.DEFAULTS.withMaxHandshakeBytes(2048).withMaxHeaders(20);

    @FuzzTest(maxDuration = "2m")
    void serverRequest(FuzzedDataProvider data) {
        int chunk = data.consumeInt(1, 64);
        boolean deflate = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        HttpHeadParser<HttpRequest> parser = HttpHeadParser.requests(LIMITS);
        HttpRequest request = null;
        try {
            for (int pos = 0; pos < bytes.length && request == null; pos += chunk) {
                ByteBuffer in = ByteBuffer.wrap(bytes, pos, Math.min(chunk, bytes.length - pos));
                request = parser.parse(in);
                check(request != null || !in.hasRemaining(), "parser returned null with bytes left");
            }
            check(parser.bytesConsumed() <= LIMITS.maxHandshakeBytes(), "head larger than the limit accepted");
            if (request == null) {
                return;
            }
            ServerHandshake.isUpgradeRequest(request);
            request.path();
            request.query();
            request.queryParameters();
            request.cookies();
            ServerHandshake hs = ServerHandshake.validate(request,
                    deflate ? PerMessageDeflate.Options.DEFAULT : PerMessageDeflate.Options.DISABLED);
            ServerHandshake.Accepted accepted = hs.accept(hs.selectSubprotocol(List.of("chat", "superchat")), Headers.of());
            byte[] response = accepted.response().toBytes();
            // What we answer must parse as a response and satisfy a client that offered the same.
            HttpResponse parsed = HttpHeadParser.responses(LIMITS.withMaxHandshakeBytes(65536).withMaxHeaders(100))
                    .parse(ByteBuffer.wrap(response));
            check(parsed != null && parsed.status() == 101, "101 response does not parse");
        } catch (HandshakeException e) {
            // 4xx, or 505 for an HTTP version other than 1.x.
            check(e.status() >= 400 && e.status() < 500 || e.status() == 505,
                    "server-side handshake failure with status " + e.status());
            e.toResponse().toBytes();
        }
    }

    @FuzzTest(maxDuration = "2m")
    void clientResponse(FuzzedDataProvider data) {
        boolean offerDeflate = data.consumeBoolean();
        boolean subprotocols = data.consumeBoolean();
        int chunk = data.consumeInt(1, 64);
        byte[] bytes = data.consumeRemainingAsBytes();
        ClientHandshake hs = ClientHandshake.create(URI.create("ws://example.com/chat"),
                subprotocols ? List.of("chat", "superchat") : List.of(), offerDeflate, Headers.of(), MaskSource.fixed(7));
        HttpHeadParser<HttpResponse> parser = HttpHeadParser.responses(LIMITS);
        try {
            HttpResponse response = null;
            for (int pos = 0; pos < bytes.length && response == null; pos += chunk) {
                response = parser.parse(ByteBuffer.wrap(bytes, pos, Math.min(chunk, bytes.length - pos)));
            }
            if (response != null) {
                ClientHandshake.Result r = hs.verify(response);
                check(r.deflate() == null || offerDeflate, "deflate accepted although not offered");
                check(r.subprotocol() == null || r.subprotocol().isEmpty() || subprotocols, "subprotocol not offered");
            }
        } catch (HandshakeException expected) {
            // the documented failure
        }
    }

    /** The {@code Sec-WebSocket-Extensions} parser and negotiation, as the server (offers) and as the client (response). */
    @FuzzTest(maxDuration = "2m")
    void extensions(FuzzedDataProvider data) {
        PerMessageDeflate.Options options = new PerMessageDeflate.Options(true, data.consumeBoolean(), data.consumeBoolean());
        String value = data.consumeRemainingAsString();
        List<PerMessageDeflate.Extension> parsed;
        try {
            parsed = PerMessageDeflate.parseExtensions(List.of(value));
        } catch (IllegalArgumentException expected) {
            return;
        }
        PerMessageDeflate.Agreement agreement = PerMessageDeflate.negotiate(parsed, options);
        if (agreement != null) {
            // Our own answer must be accepted by a client that offered permessage-deflate.
            try {
                check(PerMessageDeflate.accept(PerMessageDeflate.parseExtensions(List.of(agreement.responseHeader()))) != null,
                        "own response not accepted");
            } catch (HandshakeException | IllegalArgumentException e) {
                throw new AssertionError("own response rejected: " + agreement.responseHeader(), e);
            }
        }
        try {
            PerMessageDeflate.accept(parsed);
        } catch (HandshakeException expected) {
            // the documented failure
        }
    }
}
