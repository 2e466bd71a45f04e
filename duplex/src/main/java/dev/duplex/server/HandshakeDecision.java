package dev.duplex.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The outcome of a {@link HandshakeHook}. Accept decisions can be refined with the {@code with} methods. */
public final class HandshakeDecision {

    final boolean accept;
    final int status;
    final String body;
    final String subprotocol;
    final List<Map.Entry<String, String>> headers;
    final Object attachment;

    private HandshakeDecision(boolean accept, int status, String body, String subprotocol,
                              List<Map.Entry<String, String>> headers, Object attachment) {
        this.accept = accept;
        this.status = status;
        this.body = body;
        this.subprotocol = subprotocol;
        this.headers = headers;
        this.attachment = attachment;
    }

    /** Accept; the subprotocol is chosen from the server's list (first offered by the client that the server supports). */
    public static HandshakeDecision accept() {
        return new HandshakeDecision(true, 101, "", null, List.of(), null);
    }

    /** Reject with an HTTP status (400–599) and a plain-text body. */
    public static HandshakeDecision reject(int status, String body) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("reject status must be 4xx or 5xx: " + status);
        }
        return new HandshakeDecision(false, status, Objects.requireNonNullElse(body, ""), null, List.of(), null);
    }

    /** Selects this subprotocol (must be one the client offered), overriding the server's list. */
    public HandshakeDecision subprotocol(String protocol) {
        return new HandshakeDecision(accept, status, body, Objects.requireNonNull(protocol), headers, attachment);
    }

    /** Adds a header to the 101 (or rejection) response, e.g. {@code Set-Cookie}. */
    public HandshakeDecision header(String name, String value) {
        List<Map.Entry<String, String>> h = new ArrayList<>(headers);
        h.add(Map.entry(name, value));
        return new HandshakeDecision(accept, status, body, subprotocol, List.copyOf(h), attachment);
    }

    /** An object made available as {@link ServerWebSocket#attachment()}. */
    public HandshakeDecision attach(Object attachment) {
        return new HandshakeDecision(accept, status, body, subprotocol, headers, attachment);
    }

    public boolean accepted() {
        return accept;
    }
}
