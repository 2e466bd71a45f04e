package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental HTTP/1.1 head parser (RFC 9112 2–5) for the opening handshake: feed it whatever the
 * socket read, in chunks of any size (one byte at a time works), until it returns the parsed head.
 * It consumes exactly the head, up to and including the blank line; the bytes after it (WebSocket
 * frames, or a request body) stay in the buffer for the caller.
 *
 * <p>Strictness, every failure a {@link HandshakeException} with the status a server replies with:
 * <ul>
 *   <li>a head longer than {@link Limits#maxHandshakeBytes()} (counting the final blank line) or
 *       with more than {@link Limits#maxHeaders()} fields → 431, detected as soon as the limit is passed;</li>
 *   <li>lines must end in CRLF: a bare LF or a bare CR is rejected with 400. RFC 9112 2.2 lets a
 *       recipient accept a bare LF, but lenient line endings are a request-smuggling vector and no
 *       browser or WebSocket client sends them, so Duplex refuses them;</li>
 *   <li>obs-fold (a field line starting with SP or HTAB, RFC 9112 5.2) → 400;</li>
 *   <li>field names must be tokens, with no whitespace before the colon (RFC 9112 5.1) → 400;
 *       values may not contain NUL, CR, LF or other control characters (RFC 9110 5.5) → 400;</li>
 *   <li>a malformed request or status line → 400; an HTTP version other than 1.0/1.1 → 505.</li>
 * </ul>
 * Not thread-safe. One parser reads one head; {@link #reset()} readies it for the next.
 *
 * @param <T> {@link HttpRequest} or {@link HttpResponse}
 */
public final class HttpHeadParser<T> {

    private static final int REQUEST = 0;
    private static final int RESPONSE = 1;

    private final int kind;
    private final Limits limits;
    private byte[] buf = new byte[256];
    private int len;
    private int lines;
    private boolean finished;

    private HttpHeadParser(int kind, Limits limits) {
        this.kind = kind;
        this.limits = limits;
    }

    /** A parser for a request head (the server side of the handshake). */
    public static HttpHeadParser<HttpRequest> requests(Limits limits) {
        return new HttpHeadParser<>(REQUEST, limits);
    }

    /** A parser for a response head (the client side of the handshake). */
    public static HttpHeadParser<HttpResponse> responses(Limits limits) {
        return new HttpHeadParser<>(RESPONSE, limits);
    }

    /**
     * Consumes bytes from {@code in} up to the end of the head.
     *
     * @return the head once its blank line has arrived ({@code in} then positioned just after it),
     *         or null when more bytes are needed (everything in {@code in} consumed)
     * @throws HandshakeException    the head is malformed or too large; the parser is then spent
     * @throws IllegalStateException a head was already returned and {@link #reset()} not called
     */
    @SuppressWarnings("unchecked")
    public T parse(ByteBuffer in) throws HandshakeException {
        if (finished) {
            throw new IllegalStateException("head already parsed; call reset() to parse another");
        }
        while (in.hasRemaining()) {
            byte b = in.get();
            if (len == limits.maxHandshakeBytes()) {
                throw fail(431, "Request head is larger than " + limits.maxHandshakeBytes() + " bytes.");
            }
            append(b);
            byte prev = len >= 2 ? buf[len - 2] : 0;
            if (prev == '\r' && b != '\n') {
                throw fail(400, "Bare CR in the HTTP head.");
            }
            if (b != '\n') {
                continue;
            }
            if (prev != '\r') {
                throw fail(400, "Bare LF in the HTTP head: lines must end in CRLF.");
            }
            if (len == 2) {
                throw fail(400, "Empty line before the " + (kind == REQUEST ? "request" : "status") + " line.");
            }
            if (len >= 4 && buf[len - 3] == '\n') {
                finished = true;
                return (T) (kind == REQUEST ? parseRequest() : parseResponse());
            }
            lines++;
            if (lines - 1 > limits.maxHeaders()) {
                throw fail(431, "More than " + limits.maxHeaders() + " header fields.");
            }
        }
        return null;
    }

    /** How many head bytes have been consumed so far. */
    public int bytesConsumed() {
        return len;
    }

    /** Forgets everything read, to parse a new head (for example the next request on a keep-alive connection). */
    public void reset() {
        len = 0;
        lines = 0;
        finished = false;
    }

    private void append(byte b) {
        if (len == buf.length) {
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, Math.max(limits.maxHandshakeBytes(), 1)));
        }
        buf[len++] = b;
    }

    private HandshakeException fail(int status, String message) {
        finished = true;
        return new HandshakeException(status, message);
    }

    private String[] lines() {
        // The head without its final CRLFCRLF, split on CRLF (bare CR/LF were rejected while reading).
        String head = new String(buf, 0, len - 4, StandardCharsets.ISO_8859_1);
        return head.split("\r\n", -1);
    }

    private HttpRequest parseRequest() throws HandshakeException {
        String[] lines = lines();
        // RFC 9112 3: request-line = method SP request-target SP HTTP-version
        String line = lines[0];
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || line.indexOf(' ', sp2 + 1) >= 0) {
            throw fail(400, "Malformed request line.");
        }
        String method = line.substring(0, sp1);
        String target = line.substring(sp1 + 1, sp2);
        String version = line.substring(sp2 + 1);
        if (!Headers.isToken(method)) {
            throw fail(400, "Malformed method in the request line.");
        }
        if (target.isEmpty() || !visibleAscii(target)) {
            throw fail(400, "Malformed request target.");
        }
        checkVersion(version);
        Headers headers = parseFields(lines);
        return new HttpRequest(method, target, version, headers);
    }

    private HttpResponse parseResponse() throws HandshakeException {
        String[] lines = lines();
        // RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
        // (the SP before an empty reason is often omitted; accepted).
        String line = lines[0];
        int sp1 = line.indexOf(' ');
        if (sp1 < 0) {
            throw fail(400, "Malformed status line.");
        }
        checkVersion(line.substring(0, sp1));
        String rest = line.substring(sp1 + 1);
        if (rest.length() < 3 || rest.length() > 3 && rest.charAt(3) != ' ') {
            throw fail(400, "Malformed status line.");
        }
        int status = 0;
        for (int i = 0; i < 3; i++) {
            char c = rest.charAt(i);
            if (c < '0' || c > '9') {
                throw fail(400, "Malformed status code.");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw fail(400, "Malformed status code.");
        }
        String reason = rest.length() > 4 ? rest.substring(4) : "";
        for (int i = 0; i < reason.length(); i++) {
            if (!Headers.isFieldValueChar(reason.charAt(i))) {
                throw fail(400, "Control character in the reason phrase.");
            }
        }
        Headers headers = parseFields(lines);
        return new HttpResponse(status, reason, headers, new byte[0]);
    }

    private void checkVersion(String version) throws HandshakeException {
        if (version.equals("HTTP/1.1") || version.equals("HTTP/1.0")) {
            return;
        }
        if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            throw fail(505, "HTTP version not supported: " + version);
        }
        throw fail(400, "Malformed HTTP version.");
    }

    private Headers parseFields(String[] lines) throws HandshakeException {
        Headers.Builder b = Headers.builder();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            char first = line.charAt(0);
            if (first == ' ' || first == '\t') {
                // RFC 9112 5.2: obs-fold must be rejected (or replaced); we reject.
                throw fail(400, "Obsolete line folding in header field.");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw fail(400, "Malformed header field line.");
            }
            String name = line.substring(0, colon);
            if (!Headers.isToken(name)) {
                // Also catches whitespace before the colon (RFC 9112 5.1: MUST be rejected with 400).
                throw fail(400, "Header field name is not a token.");
            }
            String value = Headers.trimOws(line.substring(colon + 1));
            for (int k = 0; k < value.length(); k++) {
                if (!Headers.isFieldValueChar(value.charAt(k))) {
                    throw fail(400, "Control character in the value of header " + name + ".");
                }
            }
            b.add(name, value);
        }
        return b.build();
    }

    private static boolean visibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
