package dev.duplex.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An HTTP/1.1 response: status line, headers and an optional body. Parsed responses (a client reading
 * the server's reply to its upgrade) have an empty body: {@link HttpHeadParser} stops at the blank
 * line. The body array is copied in and out; the record is immutable.
 *
 * @param status  the status code, 100–599
 * @param reason  the reason phrase (may be empty)
 * @param headers the header fields
 * @param body    the body bytes (empty for none)
 */
public record HttpResponse(int status, String reason, Headers headers, byte[] body) {

    public HttpResponse {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be 100..599: " + status);
        }
        if (reason == null) {
            reason = reasonPhrase(status);
        }
        for (int i = 0; i < reason.length(); i++) {
            if (!Headers.isFieldValueChar(reason.charAt(i))) {
                throw new IllegalArgumentException("reason phrase contains a forbidden character");
            }
        }
        if (headers == null) {
            throw new IllegalArgumentException("headers is null");
        }
        body = body == null || body.length == 0 ? NO_BODY : body.clone();
    }

    private static final byte[] NO_BODY = new byte[0];

    /** A response without a body, with the standard reason phrase. */
    public HttpResponse(int status, Headers headers) {
        this(status, reasonPhrase(status), headers, NO_BODY);
    }

    /**
     * A {@code text/plain; charset=utf-8} response with the standard reason phrase; it asks the peer to
     * close the connection ({@code Connection: close}).
     */
    public static HttpResponse text(int status, String body) {
        return new HttpResponse(status, reasonPhrase(status),
                Headers.of("Content-Type", "text/plain; charset=utf-8", "Connection", "close"),
                body.getBytes(StandardCharsets.UTF_8));
    }

    /** A copy of the body. */
    @Override
    public byte[] body() {
        return body.length == 0 ? NO_BODY : body.clone();
    }

    /** The first value of the header {@code name}, or null. */
    public String header(String name) {
        return headers.first(name);
    }

    /**
     * Status line, headers, blank line and body, ready to write. When there is a body and no
     * {@code Content-Length} header, one is added (RFC 9112 6.3); 1xx, 204 and 304 never carry one.
     */
    public byte[] toBytes() {
        String length = addedLength();
        byte[] out = new byte[size(length)];
        write(out, length);
        return out;
    }

    /**
     * The bytes of {@link #toBytes()} in a buffer of {@code pool} (a server writes every 101 this
     * way, with no array of its own): give it back with {@link BufferPool#recycle} once written.
     */
    public ByteBuffer toBuffer(BufferPool pool) {
        String length = addedLength();
        int size = size(length);
        ByteBuffer b = pool.frame(size);   // position 0, limit size, backed by an array from index 0
        write(b.array(), length);
        return b;
    }

    private boolean withBody() {
        return status >= 200 && status != 204 && status != 304 && body.length > 0;
    }

    /** The Content-Length value to add, or null. */
    private String addedLength() {
        return withBody() && !headers.contains("Content-Length") ? Integer.toString(body.length) : null;
    }

    /** "HTTP/1.1 " status SP reason CRLF, each field "name: value" CRLF, CRLF, body: sized first, written once. */
    private int size(String length) {
        int size = 9 + 3 + 1 + reason.length() + 2 + 2 + (withBody() ? body.length : 0);
        int fields = headers.size();
        for (int i = 0; i < fields; i++) {
            Headers.Field f = headers.field(i);
            size += f.name().length() + 2 + f.value().length() + 2;
        }
        if (length != null) {
            size += CONTENT_LENGTH.length() + length.length() + 2;
        }
        return size;
    }

    private void write(byte[] out, String length) {
        int at = put(out, 0, "HTTP/1.1 ");
        out[at++] = (byte) ('0' + status / 100);
        out[at++] = (byte) ('0' + status / 10 % 10);
        out[at++] = (byte) ('0' + status % 10);
        out[at++] = ' ';
        at = put(out, at, reason);
        at = crlf(out, at);
        int fields = headers.size();
        for (int i = 0; i < fields; i++) {
            Headers.Field f = headers.field(i);
            at = put(out, at, f.name());
            out[at++] = ':';
            out[at++] = ' ';
            at = crlf(out, put(out, at, f.value()));
        }
        if (length != null) {
            at = crlf(out, put(out, put(out, at, CONTENT_LENGTH), length));
        }
        at = crlf(out, at);
        if (withBody()) {
            System.arraycopy(body, 0, out, at, body.length);
        }
    }

    private static final String CONTENT_LENGTH = "Content-Length: ";

    /** Writes {@code s} (Latin-1: names, values and reasons were checked) at {@code at}; returns the next index. */
    static int put(byte[] out, int at, String s) {
        for (int i = 0; i < s.length(); i++) {
            out[at++] = (byte) s.charAt(i);
        }
        return at;
    }

    static int crlf(byte[] out, int at) {
        out[at] = '\r';
        out[at + 1] = '\n';
        return at + 2;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HttpResponse r && r.status == status && r.reason.equals(reason)
                && r.headers.equals(headers) && Arrays.equals(r.body, body);
    }

    @Override
    public int hashCode() {
        return (status * 31 + headers.hashCode()) * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "HttpResponse[" + status + " " + reason + ", " + headers.size() + " headers, "
                + body.length + " body bytes]";
    }

    /** The RFC 9110 reason phrase of {@code status}, or {@code ""} for an unknown one. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 101 -> "Switching Protocols";
            case 200 -> "OK";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }
}
