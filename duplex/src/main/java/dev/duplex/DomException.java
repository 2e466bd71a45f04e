package dev.duplex;

import java.util.Objects;

/**
 * The exception the browser would throw: a {@code DOMException} with the WHATWG name as {@link #name()}
 * (WebIDL §dfn-DOMException-error-names), so callers and tests can match the standard's names one to one.
 *
 * <p>{@code WebSocket} throws only three of them: {@link #SYNTAX_ERROR} (bad URL or subprotocol, close
 * reason over 123 bytes), {@link #INVALID_STATE_ERROR} ({@code send} while connecting) and
 * {@link #INVALID_ACCESS_ERROR} (a close code other than 1000 or 3000–4999).
 */
public final class DomException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The string is not a valid URL, subprotocol list or close reason. Legacy code 12. */
    public static final String SYNTAX_ERROR = "SyntaxError";
    /** The object is in an invalid state, e.g. {@code send} while CONNECTING. Legacy code 11. */
    public static final String INVALID_STATE_ERROR = "InvalidStateError";
    /** The argument is not allowed, e.g. close code 1001. Legacy code 15. */
    public static final String INVALID_ACCESS_ERROR = "InvalidAccessError";

    private final String name;

    public DomException(String message, String name) {
        super(message);
        this.name = Objects.requireNonNull(name, "name");
    }

    static DomException syntaxError(String message) {
        return new DomException(message, SYNTAX_ERROR);
    }

    static DomException invalidStateError(String message) {
        return new DomException(message, INVALID_STATE_ERROR);
    }

    static DomException invalidAccessError(String message) {
        return new DomException(message, INVALID_ACCESS_ERROR);
    }

    /** The standard's error name, e.g. {@code "SyntaxError"}. */
    public String name() {
        return name;
    }

    /** The legacy numeric code WebIDL keeps for these names (0 for names without one). */
    public int code() {
        return switch (name) {
            case INVALID_STATE_ERROR -> 11;
            case SYNTAX_ERROR -> 12;
            case INVALID_ACCESS_ERROR -> 15;
            default -> 0;
        };
    }

    @Override
    public String toString() {
        return name + ": " + getMessage();
    }
}
