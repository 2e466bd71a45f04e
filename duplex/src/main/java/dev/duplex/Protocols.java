package dev.duplex;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The constructor's subprotocol checks (WHATWG WebSockets §dom-websocket-websocket, step 7). */
final class Protocols {

    private Protocols() {
    }

    /**
     * Throws SyntaxError when a protocol repeats (compared case-insensitively, as web-platform-tests
     * Create-protocols-repeated-case-insensitive expects) or is not an RFC 2616 token, the form
     * RFC 6455 4.1 requires for {@code Sec-WebSocket-Protocol} elements.
     */
    static List<String> validate(List<String> protocols) {
        Set<String> seen = new HashSet<>();
        for (String p : protocols) {
            if (p == null || p.isEmpty() || !isToken(p)) {
                throw DomException.syntaxError("The subprotocol '" + p + "' is invalid.");
            }
            if (!seen.add(p.toLowerCase(Locale.ROOT))) {
                throw DomException.syntaxError("The subprotocol '" + p + "' is duplicated.");
            }
        }
        return List.copyOf(protocols);
    }

    /** RFC 2616 2.2 token: 1*&lt;any CHAR except CTLs or separators&gt;. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x21 || c > 0x7e || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }
}
