package dev.duplex.protocol;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The client side of the opening handshake (RFC 6455 4.1): builds the upgrade request and verifies
 * the server's response.
 *
 * <pre>{@code
 * ClientHandshake hs = ClientHandshake.create(URI.create("ws://example.com/chat"), List.of("chat"),
 *         true, Headers.EMPTY, masks);
 * write(hs.toBytes());
 * HttpResponse res = parser.parse(bytes);                  // HttpHeadParser.responses(limits)
 * ClientHandshake.Result r = hs.verify(res);               // or HandshakeException: fail the connection
 * new Connection(Role.CLIENT, limits, masks, r.deflate());
 * }</pre>
 * Immutable.
 */
public final class ClientHandshake {

    /** Request headers the handshake owns: {@link #create} refuses custom headers with these names. */
    static final Set<String> OWN_HEADERS = Set.of("host", "upgrade", "connection", "sec-websocket-key",
            "sec-websocket-version", "sec-websocket-protocol", "sec-websocket-extensions",
            "content-length", "transfer-encoding");

    private final HttpRequest request;
    private final String key;
    private final List<String> subprotocols;
    private final boolean offerDeflate;

    private ClientHandshake(HttpRequest request, String key, List<String> subprotocols, boolean offerDeflate) {
        this.request = request;
        this.key = key;
        this.subprotocols = subprotocols;
        this.offerDeflate = offerDeflate;
    }

    /**
     * What the server agreed to.
     *
     * @param subprotocol the selected subprotocol, {@code ""} when none
     * @param extensions  the server's {@code Sec-WebSocket-Extensions} value, {@code ""} when none
     * @param deflate     the negotiated permessage-deflate parameters, or null when not negotiated
     */
    public record Result(String subprotocol, String extensions, DeflateParameters deflate) {
    }

    /**
     * Builds the upgrade request for {@code uri}.
     *
     * @param uri           a {@code ws}, {@code wss}, {@code http} or {@code https} URI with a host;
     *                      its path and query form the request target (a fragment is not sent)
     * @param subprotocols  subprotocols to offer, in preference order; tokens, no duplicates
     * @param offerDeflate  whether to offer permessage-deflate ({@link PerMessageDeflate#CLIENT_OFFER})
     * @param extraHeaders  more headers (Origin, Cookie, Authorization…); not the handshake's own
     * @param random        the source of the 16-byte nonce (RFC 6455 4.1 item 7); SecureRandom-backed in production
     * @throws IllegalArgumentException bad scheme or host, an invalid or repeated subprotocol, or an
     *                                  extra header the handshake sets itself
     */
    public static ClientHandshake create(URI uri, List<String> subprotocols, boolean offerDeflate,
                                         Headers extraHeaders, MaskSource random) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = switch (scheme) {
            case "ws", "http" -> 80;
            case "wss", "https" -> 443;
            default -> throw new IllegalArgumentException("scheme must be ws or wss: " + uri);
        };
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URI has no host: " + uri);
        }
        Set<String> seen = new HashSet<>();
        for (String p : subprotocols) {
            if (!Headers.isToken(p)) {
                throw new IllegalArgumentException("subprotocol is not a token: " + p);
            }
            if (!seen.add(p)) {
                throw new IllegalArgumentException("subprotocol offered twice: " + p);
            }
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        String target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();

        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);

        int port = uri.getPort();
        Headers.Builder b = Headers.builder()
                .add("Host", port < 0 || port == defaultPort ? host : host + ":" + port)
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", key)
                .add("Sec-WebSocket-Version", "13");
        if (!subprotocols.isEmpty()) {
            b.add("Sec-WebSocket-Protocol", String.join(", ", subprotocols));
        }
        if (offerDeflate) {
            b.add("Sec-WebSocket-Extensions", PerMessageDeflate.CLIENT_OFFER);
        }
        for (Headers.Field f : extraHeaders) {
            if (OWN_HEADERS.contains(f.name().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("header is set by the handshake itself: " + f.name());
            }
            b.add(f.name(), f.value());
        }
        HttpRequest request = HttpRequest.get(target, b.build());
        return new ClientHandshake(request, key, List.copyOf(new ArrayList<>(subprotocols)), offerDeflate);
    }

    /** The request to send. */
    public HttpRequest request() {
        return request;
    }

    /** The request head as bytes, ready to write. */
    public byte[] toBytes() {
        return request.toBytes();
    }

    /** Our {@code Sec-WebSocket-Key}. */
    public String key() {
        return key;
    }

    /**
     * Verifies the server's response (RFC 6455 4.1 items 1–6 of the response checks; RFC 7692 7.1).
     *
     * @throws HandshakeException (status {@link HandshakeException#CLIENT_FAILURE}) when the status is
     *         not 101; Upgrade lacks {@code websocket} or Connection lacks {@code upgrade}; the
     *         {@code Sec-WebSocket-Accept} is missing, repeated or wrong; a subprotocol was selected
     *         that we did not offer, or several, or none although we offered some (as browsers do);
     *         an extension we did not offer, or unacceptable permessage-deflate parameters
     */
    public Result verify(HttpResponse response) throws HandshakeException {
        Headers h = response.headers();
        if (response.status() != 101) {
            throw fail("Unexpected response code: " + response.status());
        }
        if (!h.containsToken("Upgrade", "websocket")) {
            throw fail("Missing or invalid Upgrade header in the response.");
        }
        if (!h.containsToken("Connection", "upgrade")) {
            throw fail("Missing or invalid Connection header in the response.");
        }
        List<String> accepts = h.all("Sec-WebSocket-Accept");
        if (accepts.size() != 1) {
            throw fail(accepts.isEmpty() ? "Missing Sec-WebSocket-Accept header."
                    : "Repeated Sec-WebSocket-Accept header.");
        }
        if (!accepts.get(0).equals(ServerHandshake.acceptKey(key))) {
            throw fail("Incorrect Sec-WebSocket-Accept header value.");
        }
        String subprotocol = verifySubprotocol(h);
        List<String> extensionValues = h.all("Sec-WebSocket-Extensions");
        List<PerMessageDeflate.Extension> extensions;
        try {
            extensions = PerMessageDeflate.parseExtensions(extensionValues);
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
        }
        if (!offerDeflate && !extensions.isEmpty()) {
            throw fail("Server accepted an extension that was not offered: " + extensions.get(0).name());
        }
        DeflateParameters deflate = PerMessageDeflate.accept(extensions);
        return new Result(subprotocol, String.join(", ", extensionValues), deflate);
    }

    private String verifySubprotocol(Headers h) throws HandshakeException {
        List<String> selected = h.tokens("Sec-WebSocket-Protocol");
        if (selected.isEmpty()) {
            if (h.contains("Sec-WebSocket-Protocol")) {
                throw fail("Empty Sec-WebSocket-Protocol header in the response.");
            }
            if (!subprotocols.isEmpty()) {
                // WHATWG "establish a WebSocket connection" / Chromium: requested but none selected.
                throw fail("Sent a non-empty Sec-WebSocket-Protocol header but no response was received.");
            }
            return "";
        }
        if (selected.size() > 1) {
            throw fail("Server selected more than one subprotocol: " + selected);
        }
        String p = selected.get(0);
        if (!subprotocols.contains(p)) {
            // RFC 6455 4.1 item 6: the server may only select one of ours (exact match).
            throw fail("Server selected a subprotocol that was not offered: " + p);
        }
        return p;
    }

    private static HandshakeException fail(String message) {
        return new HandshakeException(HandshakeException.CLIENT_FAILURE, message);
    }
}
