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

    /**
     * Why the server's choice {@code selected} fails the connection, or null when it is fine.
     * WHATWG §dom-websocket-websocket (establish): a subprotocol was requested but the server chose none
     * (RFC 6455 alone would accept it; the standard does not). RFC 6455 4.1: one that was not offered
     * (the handshake checks this too; checked again because the API depends on it).
     */
    static String checkSelected(List<String> offered, String selected) {
        if (!offered.isEmpty() && (selected == null || selected.isEmpty())) {
            return "the server selected no subprotocol; offered " + offered;
        }
        if (selected != null && !selected.isEmpty() && !offered.contains(selected)) {
            return "the server selected subprotocol '" + selected + "', which was not offered";
        }
        return null;
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
