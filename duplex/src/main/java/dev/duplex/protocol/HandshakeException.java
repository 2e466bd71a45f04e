package dev.duplex.protocol;

import java.nio.charset.StandardCharsets;

/**
 * The opening handshake failed. On a server, {@link #status()} is the HTTP status to reply with
 * (400, 405, 426, 431, 505…) and {@link #headers()} the extra response headers it needs (426 carries
 * {@code Sec-WebSocket-Version: 13}); {@link #toResponse()} builds that reply. On a client (a bad
 * response from the server) the status is {@link #CLIENT_FAILURE}: there is nothing to reply, the
 * client fails the WebSocket connection (RFC 6455 4.1) with {@link #getMessage()} as the reason.
 */
public final class HandshakeException extends Exception {

    /** The status of failures detected by a client; no response is sent for them. */
    public static final int CLIENT_FAILURE = 0;

    private final int status;
    private final Headers headers;

    public HandshakeException(int status, String message) {
        this(status, message, Headers.EMPTY);
    }

    public HandshakeException(int status, String message, Headers headers) {
        super(message);
        this.status = status;
        this.headers = headers;
    }

    /** The HTTP status to reply with, or {@link #CLIENT_FAILURE}. */
    public int status() {
        return status;
    }

    /** Headers the reply must carry (for example {@code Sec-WebSocket-Version: 13} with 426). */
    public Headers headers() {
        return headers;
    }

    /**
     * The server's reply: this status, these headers, {@code Connection: close}, and the message as a
     * {@code text/plain} body.
     */
    public HttpResponse toResponse() {
        int s = status == CLIENT_FAILURE ? 400 : status;
        String connection = headers.containsToken("Connection", "close") ? headers.first("Connection")
                : headers.contains("Connection") ? headers.first("Connection") + ", close" : "close";
        Headers h = headers.toBuilder()
                .set("Content-Type", "text/plain; charset=utf-8")
                .set("Connection", connection)
                .build();
        return new HttpResponse(s, HttpResponse.reasonPhrase(s), h,
                (getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
