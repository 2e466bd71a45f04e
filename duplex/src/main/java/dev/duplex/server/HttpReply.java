package dev.duplex.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A complete HTTP response from an {@link HttpHandler}. Immutable. */
public final class HttpReply {

    final int status;
    final String contentType;
    final byte[] body;
    final List<Map.Entry<String, String>> headers;

    private HttpReply(int status, String contentType, byte[] body, List<Map.Entry<String, String>> headers) {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status must be 200..599: " + status);
        }
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.headers = headers;
    }

    /** A response with a body of the given content type. */
    public static HttpReply of(int status, String contentType, byte[] body) {
        return new HttpReply(status, contentType, body.clone(), List.of());
    }

    /** A {@code text/plain; charset=utf-8} response. */
    public static HttpReply text(int status, String text) {
        return new HttpReply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), List.of());
    }

    /** An {@code application/json} response from a JSON string. */
    public static HttpReply json(int status, String json) {
        return new HttpReply(status, "application/json", json.getBytes(StandardCharsets.UTF_8), List.of());
    }

    /** Adds a response header. */
    public HttpReply header(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(name, value));
        return new HttpReply(status, contentType, body, List.copyOf(h));
    }

    public int status() {
        return status;
    }
}
