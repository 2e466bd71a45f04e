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

    /**
     * Field names and values of the opening handshake, reused as the same {@code String} when a head
     * spells them exactly so (names are still compared case-insensitively): the handshake fields of
     * every upgrade request cost no string of their own.
     */
    private static final String[] COMMON = {
            "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
            "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Origin", "User-Agent", "Pragma",
            "Cache-Control", "Accept-Encoding", "Accept-Language", "Cookie", "Content-Length",
            "Transfer-Encoding", "Sec-WebSocket-Accept", "Authorization",
            "websocket", "upgrade", "keep-alive, Upgrade", "13", "no-cache", "close", "keep-alive",
            "permessage-deflate; client_max_window_bits", "gzip, deflate, br, zstd", "gzip, deflate",
            "GET", "HTTP/1.1", "HTTP/1.0", "/", "Switching Protocols"};

    private final int kind;
    private final Limits limits;
    /**
     * Lent by the caller for the length of each {@link #parse} call, or null: a head that arrives
     * whole (the usual case) is read in it and never copied into an array of this parser's own.
     */
    private final byte[] scratch;
    private byte[] buf;         // the head so far; made at the first bytes, sized by them (or the scratch, during a call)
    private int len;
    private int lines;
    private boolean finished;

    private HttpHeadParser(int kind, Limits limits, byte[] scratch) {
        this.kind = kind;
        this.limits = limits;
        this.scratch = scratch;
    }

    /** A parser for a request head (the server side of the handshake). */
    public static HttpHeadParser<HttpRequest> requests(Limits limits) {
        return new HttpHeadParser<>(REQUEST, limits, null);
    }

    /**
     * A parser for a request head that reads in {@code scratch} during each {@link #parse} call
     * (a server's connections do not each hold a head's worth of bytes for a request that arrived
     * whole); only what is still incomplete when a call returns is copied into an array of its own.
     * Parsers may share one scratch array when their calls never overlap (one thread).
     *
     * @param scratch at least 256 bytes
     */
    public static HttpHeadParser<HttpRequest> requests(Limits limits, byte[] scratch) {
        if (scratch.length < 256) {
            throw new IllegalArgumentException("scratch must hold at least 256 bytes: " + scratch.length);
        }
        return new HttpHeadParser<>(REQUEST, limits, scratch);
    }

    /** A parser for a response head (the client side of the handshake). */
    public static HttpHeadParser<HttpResponse> responses(Limits limits) {
        return new HttpHeadParser<>(RESPONSE, limits, null);
    }

    /**
     * Consumes bytes from {@code in} up to the end of the head.
     *
     * @return the head once its blank line has arrived ({@code in} then positioned just after it),
     *         or null when more bytes are needed (everything in {@code in} consumed)
     * @throws HandshakeException    the head is malformed or too large; the parser is then spent
     * @throws IllegalStateException a head was already returned and {@link #reset()} not called
     */
    public T parse(ByteBuffer in) throws HandshakeException {
        if (finished) {
            throw new IllegalStateException("head already parsed; call reset() to parse another");
        }
        try {
            return read(in);
        } finally {
            if (buf == scratch && buf != null) {
                // The scratch is lent for this call only: what an unfinished head has so far is kept.
                buf = finished ? null : Arrays.copyOf(scratch, Math.min(limits.maxHandshakeBytes(), Math.max(256, len)));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private T read(ByteBuffer in) throws HandshakeException {
        int max = limits.maxHandshakeBytes();
        while (in.hasRemaining()) {
            if (len == max) {
                throw fail(431, "Request head is larger than " + max + " bytes.");
            }
            // Copy what may still belong to the head, then scan it; only what the head takes is consumed.
            if (buf == null) {
                buf = scratch != null ? scratch : new byte[Math.min(max, Math.max(256, Math.min(in.remaining(), 4096)))];
            } else if (len == buf.length) {
                buf = Arrays.copyOf(buf, Math.min(buf.length * 2, max));
            }
            int from = len;
            int n = Math.min(in.remaining(), Math.min(buf.length, max) - len);   // a scratch may be larger than max
            in.get(in.position(), buf, len, n);
            for (int i = from; i < from + n; i++) {
                byte b = buf[i];
                byte prev = i >= 1 ? buf[i - 1] : 0;
                if (prev == '\r' && b != '\n') {
                    consumed(in, from, i);
                    throw fail(400, "Bare CR in the HTTP head.");
                }
                if (b != '\n') {
                    continue;
                }
                if (prev != '\r') {
                    consumed(in, from, i);
                    throw fail(400, "Bare LF in the HTTP head: lines must end in CRLF.");
                }
                if (i == 1) {
                    consumed(in, from, i);
                    throw fail(400, "Empty line before the " + (kind == REQUEST ? "request" : "status") + " line.");
                }
                if (i >= 3 && buf[i - 2] == '\n') {
                    consumed(in, from, i);
                    finished = true;
                    return (T) (kind == REQUEST ? parseRequest() : parseResponse());
                }
                lines++;
                if (lines - 1 > limits.maxHeaders()) {
                    consumed(in, from, i);
                    throw fail(431, "More than " + limits.maxHeaders() + " header fields.");
                }
            }
            in.position(in.position() + n);
            len = from + n;
        }
        return null;
    }

    /** The head's bytes up to and including {@code buf[last]} have been taken from {@code in}. */
    private void consumed(ByteBuffer in, int from, int last) {
        in.position(in.position() + last + 1 - from);
        len = last + 1;
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

    private HandshakeException fail(int status, String message) {
        finished = true;
        return new HandshakeException(status, message);
    }

    /** Where the line starting at {@code from} ends: the index of its CR (bare CR/LF were rejected while reading). */
    private int lineEnd(int from) {
        int i = from;
        while (buf[i] != '\r') {
            i++;
        }
        return i;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The bytes {@code buf[from, to)} as a string: a {@link #COMMON} one when they spell it exactly. */
    private String string(int from, int to) {
        int n = to - from;
        for (String c : COMMON) {
            if (c.length() == n && matches(c, from)) {
                return c;
            }
        }
        return new String(buf, from, n, StandardCharsets.ISO_8859_1);
    }

    private boolean matches(String s, int from) {
        for (int i = 0; i < s.length(); i++) {
            if (buf[from + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private HttpRequest parseRequest() throws HandshakeException {
        // RFC 9112 3: request-line = method SP request-target SP HTTP-version
        int end = lineEnd(0);
        int sp1 = indexOf((byte) ' ', 0, end);
        int sp2 = sp1 < 0 ? -1 : indexOf((byte) ' ', sp1 + 1, end);
        if (sp1 <= 0 || sp2 < 0 || indexOf((byte) ' ', sp2 + 1, end) >= 0) {
            throw fail(400, "Malformed request line.");
        }
        if (!isToken(0, sp1)) {
            throw fail(400, "Malformed method in the request line.");
        }
        if (sp2 == sp1 + 1 || !visibleAscii(sp1 + 1, sp2)) {
            throw fail(400, "Malformed request target.");
        }
        String version = checkVersion(sp2 + 1, end);
        String method = string(0, sp1);
        String target = string(sp1 + 1, sp2);
        Headers headers = parseFields(end + 2);
        return new HttpRequest(method, target, version, headers);
    }

    private HttpResponse parseResponse() throws HandshakeException {
        // RFC 9112 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
        // (the SP before an empty reason is often omitted; accepted).
        int end = lineEnd(0);
        int sp1 = indexOf((byte) ' ', 0, end);
        if (sp1 < 0) {
            throw fail(400, "Malformed status line.");
        }
        checkVersion(0, sp1);
        int rest = sp1 + 1;
        int restLength = end - rest;
        if (restLength < 3 || restLength > 3 && buf[rest + 3] != ' ') {
            throw fail(400, "Malformed status line.");
        }
        int status = 0;
        for (int i = 0; i < 3; i++) {
            byte c = buf[rest + i];
            if (c < '0' || c > '9') {
                throw fail(400, "Malformed status code.");
            }
            status = status * 10 + (c - '0');
        }
        if (status < 100) {
            throw fail(400, "Malformed status code.");
        }
        for (int i = rest + 4; i < end; i++) {
            if (!Headers.isFieldValueChar(buf[i] & 0xff)) {
                throw fail(400, "Control character in the reason phrase.");
            }
        }
        String reason = restLength > 4 ? string(rest + 4, end) : "";
        Headers headers = parseFields(end + 2);
        return new HttpResponse(status, reason, headers, null);
    }

    /** The version in {@code buf[from, to)}: HTTP/1.1 or HTTP/1.0, else 505 (another version) or 400. */
    private String checkVersion(int from, int to) throws HandshakeException {
        String version = string(from, to);
        if (version.equals("HTTP/1.1") || version.equals("HTTP/1.0")) {
            return version;
        }
        if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            throw fail(505, "HTTP version not supported: " + version);
        }
        throw fail(400, "Malformed HTTP version.");
    }

    /** The field lines from {@code start} to the blank line that ends the head. */
    private Headers parseFields(int start) throws HandshakeException {
        int count = lines - 1;
        if (count == 0) {
            return Headers.EMPTY;
        }
        Headers.Field[] fields = new Headers.Field[count];
        int at = start;
        for (int f = 0; f < count; f++) {
            int end = lineEnd(at);
            byte first = buf[at];
            if (first == ' ' || first == '\t') {
                // RFC 9112 5.2: obs-fold must be rejected (or replaced); we reject.
                throw fail(400, "Obsolete line folding in header field.");
            }
            int colon = indexOf((byte) ':', at, end);
            if (colon <= at) {
                throw fail(400, "Malformed header field line.");
            }
            if (!isToken(at, colon)) {
                // Also catches whitespace before the colon (RFC 9112 5.1: MUST be rejected with 400).
                throw fail(400, "Header field name is not a token.");
            }
            String name = string(at, colon);
            int from = colon + 1;
            int to = end;
            while (from < to && (buf[from] == ' ' || buf[from] == '\t')) {
                from++;
            }
            while (to > from && (buf[to - 1] == ' ' || buf[to - 1] == '\t')) {
                to--;
            }
            for (int k = from; k < to; k++) {
                if (!Headers.isFieldValueChar(buf[k] & 0xff)) {
                    throw fail(400, "Control character in the value of header " + name + ".");
                }
            }
            fields[f] = new Headers.Field(name, string(from, to));
            at = end + 2;
        }
        return Headers.ofFields(fields);
    }

    private boolean isToken(int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Headers.isTchar(buf[i] & 0xff)) {
                return false;
            }
        }
        return to > from;
    }

    private boolean visibleAscii(int from, int to) {
        for (int i = from; i < to; i++) {
            int c = buf[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
