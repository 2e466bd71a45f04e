package dev.duplex;

import dev.duplex.protocol.Utf8;
import java.util.Objects;

/**
 * The WHATWG rules for what a script may pass to {@code close(code, reason)}, in one place for
 * {@link WebSocket}, {@link WebSocketStream} and {@link ReconnectingWebSocket}: stricter than what
 * the protocol allows ({@code CloseCode.checkSendable}), and failing with the standard's exceptions.
 */
final class CloseArguments {

    private CloseArguments() {}

    /** WHATWG §dom-websocket-close step 1: 1000 or 3000–4999, else InvalidAccessError. */
    static void checkCode(int code) {
        if (code != 1000 && (code < 3000 || code > 4999)) {
            throw DomException.invalidAccessError("The close code must be either 1000, or between 3000 and"
                    + " 4999. " + code + " is neither.");
        }
    }

    /**
     * WHATWG §dom-websocket-close step 2: the reason as a USVString (lone surrogates become U+FFFD),
     * or SyntaxError when its UTF-8 is longer than 123 bytes.
     */
    static String checkReason(String reason) {
        String r = Utf8.toUsv(Objects.requireNonNull(reason, "reason"));
        if (Utf8.encodedLength(r) > 123) {
            throw DomException.syntaxError("The close reason must not be greater than 123 UTF-8 bytes.");
        }
        return r;
    }
}
