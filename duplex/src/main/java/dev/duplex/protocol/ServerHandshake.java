package dev.duplex.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The server side of the opening handshake (RFC 6455 4.2). Validate a parsed request, let the
 * application look at it (path, cookies, offered subprotocols), then {@link #accept} or
 * {@link #reject}:
 *
 * <pre>{@code
 * HttpRequest req = parser.parse(bytes);                   // HttpHeadParser.requests(limits)
 * if (!ServerHandshake.isUpgradeRequest(req)) { ...serve plain HTTP... }
 * ServerHandshake hs = ServerHandshake.validate(req, PerMessageDeflate.Options.DEFAULT); // or HandshakeException
 * ServerHandshake.Accepted ok = hs.accept(hs.selectSubprotocol(List.of("chat")), Headers.EMPTY);
 * write(ok.response().toBytes());
 * new Connection(Role.SERVER, limits, masks, ok.deflate());
 * }</pre>
 * On {@link HandshakeException} write {@link HandshakeException#toResponse()} and close.
 * Immutable.
 */
public final class ServerHandshake {

    /** RFC 6455 1.3: the GUID appended to the key before hashing. */
    public static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** Response headers the handshake owns: {@link #accept} refuses extra headers with these names. */
    static final Set<String> OWN_HEADERS = Set.of("upgrade", "connection", "sec-websocket-accept",
            "sec-websocket-protocol", "sec-websocket-extensions", "content-length", "transfer-encoding");

    private final HttpRequest request;
    private final String key;
    private final List<String> offeredSubprotocols;
    private final PerMessageDeflate.Agreement deflate;

    private ServerHandshake(HttpRequest request, String key, List<String> offeredSubprotocols,
                            PerMessageDeflate.Agreement deflate) {
        this.request = request;
        this.key = key;
        this.offeredSubprotocols = offeredSubprotocols;
        this.deflate = deflate;
    }

    /** The outcome of {@link #accept}: the 101 response to write and what was negotiated. */
    public record Accepted(HttpResponse response, String subprotocol, String extensions,
                           DeflateParameters deflate) {
    }

    /**
     * Whether {@code request} asks for a WebSocket: a GET whose {@code Upgrade} header lists
     * {@code websocket} (case-insensitive). Lets a server route plain HTTP and WebSocket on one
     * port; a request that passes is then fully checked by {@link #validate}, which answers a broken
     * upgrade with 400/426 instead of serving it as plain HTTP.
     */
    public static boolean isUpgradeRequest(HttpRequest request) {
        return request.method().equals("GET") && request.headers().containsToken("Upgrade", "websocket");
    }

    /**
     * Checks an upgrade request (RFC 6455 4.2.1) and negotiates permessage-deflate.
     *
     * @param deflate the server's permessage-deflate policy ({@link PerMessageDeflate.Options#DISABLED} to refuse it)
     * @throws HandshakeException with the status to reply with: 405 (not GET, with {@code Allow: GET}),
     *         400 (not HTTP/1.1; Host missing or repeated; no {@code upgrade} in Connection; key missing,
     *         repeated or not 16 bytes of base64; malformed subprotocol or extension lists),
     *         426 (no {@code websocket} in Upgrade, with {@code Upgrade: websocket}; version not 13,
     *         with {@code Sec-WebSocket-Version: 13})
     */
    public static ServerHandshake validate(HttpRequest request, PerMessageDeflate.Options deflate)
            throws HandshakeException {
        Headers h = request.headers();
        if (!request.method().equals("GET")) {
            throw new HandshakeException(405, "WebSocket upgrade requires GET.", Headers.of("Allow", "GET"));
        }
        if (!request.version().equals("HTTP/1.1")) {
            // 4.2.1 item 1: HTTP/1.1 or higher; the parser only admits 1.0 and 1.1.
            throw new HandshakeException(400, "WebSocket upgrade requires HTTP/1.1.");
        }
        if (h.count("Host") != 1 || h.first("Host").isEmpty()) {
            // 4.2.1 item 2; RFC 9112 3.2: a missing or repeated Host is a 400.
            throw new HandshakeException(400, "Missing or repeated Host header.");
        }
        if (!h.containsToken("Upgrade", "websocket")) {
            // 4.2.1 item 3; RFC 9110 15.5.22: 426 names the protocol to upgrade to.
            throw new HandshakeException(426, "Upgrade header must include \"websocket\".",
                    Headers.of("Upgrade", "websocket", "Connection", "Upgrade"));
        }
        if (!h.containsToken("Connection", "upgrade")) {
            throw new HandshakeException(400, "Connection header must include \"Upgrade\".");   // 4.2.1 item 4
        }
        if (h.count("Sec-WebSocket-Version") != 1 || !h.first("Sec-WebSocket-Version").equals("13")) {
            // 4.2.2 / 4.4: answer with the versions we support.
            throw new HandshakeException(426, "Unsupported Sec-WebSocket-Version; this server speaks 13.",
                    Headers.of("Sec-WebSocket-Version", "13"));
        }
        String key = h.first("Sec-WebSocket-Key");
        if (key == null || h.count("Sec-WebSocket-Key") != 1 || !isValidKey(key)) {
            // 4.2.1 item 5: base64 of exactly 16 bytes.
            throw new HandshakeException(400, "Sec-WebSocket-Key must be one base64-encoded 16-byte value.");
        }
        List<String> protocols = h.tokens("Sec-WebSocket-Protocol");
        for (int i = 0; i < protocols.size(); i++) {
            if (!Headers.isToken(protocols.get(i))) {
                throw new HandshakeException(400, "Malformed Sec-WebSocket-Protocol.");   // 4.1 item 10
            }
        }
        PerMessageDeflate.Agreement agreement;
        try {
            List<String> offered = h.all("Sec-WebSocket-Extensions");
            agreement = offered.isEmpty() ? null
                    : PerMessageDeflate.negotiate(PerMessageDeflate.parseExtensions(offered), deflate);
        } catch (IllegalArgumentException e) {
            throw new HandshakeException(400, "Malformed Sec-WebSocket-Extensions.");
        }
        return new ServerHandshake(request, key, protocols, agreement);
    }

    /** The validated request. */
    public HttpRequest request() {
        return request;
    }

    /** The client's {@code Sec-WebSocket-Key}. */
    public String key() {
        return key;
    }

    /** The subprotocols the client offered, in its order of preference (empty when none). */
    public List<String> offeredSubprotocols() {
        return offeredSubprotocols;
    }

    /** The permessage-deflate parameters this handshake will agree to, or null when not negotiated. */
    public DeflateParameters deflate() {
        return deflate == null ? null : deflate.parameters();
    }

    /**
     * The first of {@code supported} (the server's order of preference) that the client offered, or
     * {@code ""} when none was; a ready-made subprotocol selection for {@link #accept}.
     */
    public String selectSubprotocol(List<String> supported) {
        if (offeredSubprotocols.isEmpty()) {
            return "";   // what most clients offer: no walk over the server's list
        }
        for (String s : supported) {
            if (offeredSubprotocols.contains(s)) {
                return s;
            }
        }
        return "";
    }

    /** Accepts with no subprotocol and no extra headers. */
    public Accepted accept() {
        return accept("", Headers.EMPTY);
    }

    /**
     * Builds the 101 response (RFC 6455 4.2.2 item 5).
     *
     * @param subprotocol  one of {@link #offeredSubprotocols()} (compared exactly), or {@code ""} for none
     * @param extraHeaders headers to add (e.g. {@code Set-Cookie}); they may not be the handshake's own
     *                     ({@code Upgrade}, {@code Connection}, {@code Sec-WebSocket-*}, body framing)
     * @throws IllegalArgumentException the subprotocol was not offered, or an extra header is the handshake's own
     */
    public Accepted accept(String subprotocol, Headers extraHeaders) {
        if (!subprotocol.isEmpty() && !offeredSubprotocols.contains(subprotocol)) {
            throw new IllegalArgumentException("subprotocol was not offered by the client: " + subprotocol
                    + " (offered: " + offeredSubprotocols + ")");
        }
        String extensions = deflate == null ? "" : deflate.responseHeader();
        int extra = extraHeaders.size();
        for (int i = 0; i < extra; i++) {
            String name = extraHeaders.field(i).name();
            if (OWN_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("header is set by the handshake itself: " + name);
            }
        }
        // Sized first: the fields go straight into the array the headers keep (this runs per upgrade).
        Headers.Field[] fields = new Headers.Field[3 + (subprotocol.isEmpty() ? 0 : 1)
                + (extensions.isEmpty() ? 0 : 1) + extra];
        int n = 0;
        fields[n++] = UPGRADE;
        fields[n++] = CONNECTION;
        fields[n++] = new Headers.Field("Sec-WebSocket-Accept", acceptKey(key));
        if (!subprotocol.isEmpty()) {
            fields[n++] = new Headers.Field("Sec-WebSocket-Protocol", subprotocol);
        }
        if (!extensions.isEmpty()) {
            fields[n++] = new Headers.Field("Sec-WebSocket-Extensions", extensions);
        }
        for (int i = 0; i < extra; i++) {
            fields[n++] = extraHeaders.field(i);
        }
        HttpResponse response = new HttpResponse(101, Headers.ofFields(fields));
        return new Accepted(response, subprotocol, extensions, deflate());
    }

    /**
     * A refusal: {@code status} with its standard reason, {@code body} as {@code text/plain; charset=utf-8},
     * {@code Connection: close}. The caller writes it and closes the connection.
     *
     * @throws IllegalArgumentException {@code status} is not 400–599
     */
    public static HttpResponse reject(int status, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("a rejection needs a 4xx or 5xx status: " + status);
        }
        return HttpResponse.text(status, body);
    }

    /** RFC 6455 4.2.2 item 5.4: base64(SHA-1(key + GUID)). */
    public static String acceptKey(String key) {
        int length = key.length() + GUID_BYTES.length;
        // One array for the padded message, then the digest over its start, then the digest's base64.
        byte[] buf = new byte[Sha1.paddedLength(length)];   // at least 64 bytes: room for the 28 of the base64 too
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            buf[i] = c < 0x80 ? (byte) c : (byte) '?';   // as US-ASCII encodes it
        }
        System.arraycopy(GUID_BYTES, 0, buf, key.length(), GUID_BYTES.length);
        Sha1.digestInPlace(buf, length);
        // The JDK's encoder writes the base64 back into the same array, after the digest's bytes are copied out.
        int n = Base64.getEncoder().encode(Arrays.copyOf(buf, Sha1.LENGTH), buf);
        return new String(buf, 0, n, StandardCharsets.ISO_8859_1);
    }

    /** The 101's first two fields, the same for every upgrade. */
    private static final Headers.Field UPGRADE = new Headers.Field("Upgrade", "websocket");
    private static final Headers.Field CONNECTION = new Headers.Field("Connection", "Upgrade");

    private static final byte[] GUID_BYTES = GUID.getBytes(StandardCharsets.US_ASCII);

    /** Whether {@code key} is the base64 of 16 bytes: 22 characters of the base64 alphabet and {@code ==}. */
    static boolean isValidKey(String key) {
        if (key.length() != 24 || key.charAt(22) != '=' || key.charAt(23) != '=') {
            return false;
        }
        for (int i = 0; i < 22; i++) {
            char c = key.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/')) {
                return false;
            }
        }
        return true;
    }
}
