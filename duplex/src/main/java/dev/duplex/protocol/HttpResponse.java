package dev.duplex.protocol;

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
        body = body == null ? new byte[0] : body.clone();
    }

    /** A response without a body, with the standard reason phrase. */
    public HttpResponse(int status, Headers headers) {
        this(status, reasonPhrase(status), headers, new byte[0]);
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
        return body.clone();
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
        StringBuilder sb = new StringBuilder(256);
        sb.append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
        for (Headers.Field f : headers) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        boolean bodyAllowed = status >= 200 && status != 204 && status != 304;
        if (bodyAllowed && body.length > 0 && !headers.contains("Content-Length")) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        return bodyAllowed && body.length > 0 ? HttpRequest.concat(head, body) : head;
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
