package dev.duplex.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * permessage-deflate negotiation (RFC 7692 5 and 7.1) for both roles, and the
 * {@code Sec-WebSocket-Extensions} grammar (RFC 6455 9.1).
 *
 * <p>{@code java.util.zip} compresses only with a 15-bit LZ77 window but inflates any window
 * (8–15). A server declines an offer with {@code server_max_window_bits} &lt; 15 and tries the next
 * offer; a client accepts a server's {@code client_max_window_bits} &lt; 15 and then sends its
 * messages uncompressed (RFC 7692 6: compressing a message is optional; see {@link Connection}).
 * Both accept any window the peer compresses with.
 */
public final class PerMessageDeflate {

    /** The extension token. */
    public static final String NAME = "permessage-deflate";

    /** What the client offers: the extension, telling the server it may limit our window (RFC 7692 7.1.2.2). */
    public static final String CLIENT_OFFER = NAME + "; client_max_window_bits";

    private static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";
    private static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";
    private static final String SERVER_MAX_WINDOW_BITS = "server_max_window_bits";
    private static final String CLIENT_MAX_WINDOW_BITS = "client_max_window_bits";

    private PerMessageDeflate() {
    }

    /**
     * A server's permessage-deflate policy.
     *
     * @param enabled                 whether to accept the extension at all
     * @param serverNoContextTakeover reset our compressor after every message (saves memory per
     *                                connection, costs ratio); sent as {@code server_no_context_takeover}
     * @param clientNoContextTakeover ask the client to reset its compressor after every message (frees
     *                                our inflater's window between messages); sent as
     *                                {@code client_no_context_takeover}
     */
    public record Options(boolean enabled, boolean serverNoContextTakeover, boolean clientNoContextTakeover) {
        /** Accept permessage-deflate, both sides keep their context. */
        public static final Options DEFAULT = new Options(true, false, false);
        /** Never negotiate permessage-deflate. */
        public static final Options DISABLED = new Options(false, false, false);
    }

    /** One extension parameter: {@code value} is null when the parameter has none. */
    public record Param(String name, String value) {
    }

    /** One element of a {@code Sec-WebSocket-Extensions} list: a name and its parameters, in order. */
    public record Extension(String name, List<Param> params) {
        public Extension {
            params = List.copyOf(params);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(name);
            for (Param p : params) {
                sb.append("; ").append(p.name());
                if (p.value() != null) {
                    sb.append('=').append(p.value());
                }
            }
            return sb.toString();
        }
    }

    /** A server's decision: the response header value and the parameters the connection uses. */
    public record Agreement(String responseHeader, DeflateParameters parameters) {
    }

    /**
     * Parses {@code Sec-WebSocket-Extensions} header values (RFC 6455 9.1):
     * {@code extension *( ";" param [ "=" ( token / quoted-string ) ] )}, comma-separated, across
     * all the values given. A quoted value is unquoted, and must itself be a token.
     *
     * @throws IllegalArgumentException the syntax is wrong
     */
    public static List<Extension> parseExtensions(List<String> headerValues) {
        List<Extension> out = new ArrayList<>();
        for (String value : headerValues) {
            new ExtensionParser(value, out).parse();
        }
        return List.copyOf(out);
    }

    /**
     * Server side (RFC 7692 5.1, 7.1): picks the first acceptable permessage-deflate offer among the
     * request's extension offers. An offer is declined (and the next one tried) when it has an
     * unknown or duplicate parameter or an invalid value, or asks for {@code server_max_window_bits}
     * below 15 (we compress with a 15-bit window only).
     *
     * @param offers the parsed {@code Sec-WebSocket-Extensions} of the request
     * @return the agreement, or null when no offer is acceptable or {@code options} disable the extension
     */
    public static Agreement negotiate(List<Extension> offers, Options options) {
        if (!options.enabled()) {
            return null;
        }
        for (Extension offer : offers) {
            if (offer.name().equalsIgnoreCase(NAME)) {
                Agreement a = acceptOffer(offer, options);
                if (a != null) {
                    return a;
                }
            }
        }
        return null;
    }

    private static Agreement acceptOffer(Extension offer, Options options) {
        boolean serverNoContext = options.serverNoContextTakeover();
        boolean clientNoContext = options.clientNoContextTakeover();
        int serverBits = 0;     // 0: absent
        int clientBits = 0;     // 0: absent, -1: present without a value
        Set<String> seen = new HashSet<>();
        for (Param p : offer.params()) {
            String name = p.name().toLowerCase(java.util.Locale.ROOT);
            if (!seen.add(name)) {
                return null;    // RFC 7692 7: multiple parameters with the same name → decline
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null;
                    }
                    serverNoContext = true;     // 7.1.1.1: accepting it means we honour it
                }
                case CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        return null;
                    }
                    clientNoContext = true;     // 7.1.1.2: echoed, so the client may drop its window
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    serverBits = windowBits(p.value());
                    if (serverBits < 0) {
                        return null;            // 7.1.2.1: a value is required, 8..15
                    }
                    if (serverBits < 15) {
                        return null;            // java.util.zip deflates with 15 bits only: decline
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    if (p.value() == null) {
                        clientBits = -1;
                    } else {
                        clientBits = windowBits(p.value());
                        if (clientBits < 0) {
                            return null;
                        }
                    }
                }
                default -> {
                    return null;                // 7: unknown parameter → decline
                }
            }
        }
        StringBuilder response = new StringBuilder(NAME);
        if (serverNoContext) {
            response.append("; ").append(SERVER_NO_CONTEXT_TAKEOVER);
        }
        if (clientNoContext) {
            response.append("; ").append(CLIENT_NO_CONTEXT_TAKEOVER);
        }
        if (serverBits == 15) {
            // 7.1.2.1: accepting the parameter means echoing it with the same or a smaller value.
            response.append("; ").append(SERVER_MAX_WINDOW_BITS).append("=15");
        }
        if (clientBits > 0) {
            // 7.1.2.2: the client promised at most this window; echo it so both sides agree.
            response.append("; ").append(CLIENT_MAX_WINDOW_BITS).append('=').append(clientBits);
        }
        // We inflate any window with a 15-bit inflater, so an absent or value-less
        // client_max_window_bits needs no answer: the client may use up to 15 bits.
        DeflateParameters params = new DeflateParameters(serverNoContext, clientNoContext, 15,
                clientBits > 0 ? clientBits : 15);
        return new Agreement(response.toString(), params);
    }

    /**
     * Client side (RFC 7692 5.1, 7.1): checks the server's {@code Sec-WebSocket-Extensions} response
     * to our {@link #CLIENT_OFFER}.
     *
     * @param response the parsed response extensions (empty when the server sent none)
     * @return the negotiated parameters, or null when the server did not accept the extension
     * @throws HandshakeException (status {@link HandshakeException#CLIENT_FAILURE}) the response names an
     *         extension we did not offer, repeats permessage-deflate, has an unknown or duplicate
     *         parameter or an invalid value
     */
    public static DeflateParameters accept(List<Extension> response) throws HandshakeException {
        if (response.isEmpty()) {
            return null;
        }
        if (response.size() > 1) {
            throw clientFailure("Server accepted more than one extension: " + response);
        }
        Extension ext = response.get(0);
        if (!ext.name().equalsIgnoreCase(NAME)) {
            throw clientFailure("Server accepted an extension that was not offered: " + ext.name());
        }
        boolean serverNoContext = false;
        boolean clientNoContext = false;
        int serverBits = 15;
        int clientBits = 15;
        Set<String> seen = new HashSet<>();
        for (Param p : ext.params()) {
            String name = p.name().toLowerCase(java.util.Locale.ROOT);
            if (!seen.add(name)) {
                throw clientFailure("Duplicate permessage-deflate parameter: " + p.name());
            }
            switch (name) {
                case SERVER_NO_CONTEXT_TAKEOVER, CLIENT_NO_CONTEXT_TAKEOVER -> {
                    if (p.value() != null) {
                        throw clientFailure("Invalid permessage-deflate parameter " + p.name() + "=" + p.value()
                                + ": it takes no value");
                    }
                    if (name.equals(SERVER_NO_CONTEXT_TAKEOVER)) {
                        serverNoContext = true;     // 7.1.1.1: allowed even if not offered
                    } else {
                        clientNoContext = true;     // 7.1.1.2: we must reset our compressor
                    }
                }
                case SERVER_MAX_WINDOW_BITS -> {
                    // 7.1.2.1: the server limits its own window; we inflate any size.
                    serverBits = windowBits(p.value());
                    if (serverBits < 0) {
                        throw clientFailure("Invalid server_max_window_bits: " + p.value());
                    }
                }
                case CLIENT_MAX_WINDOW_BITS -> {
                    // 7.1.2.2: in a response it must carry a value; below 15 we send uncompressed.
                    clientBits = windowBits(p.value());
                    if (clientBits < 0) {
                        throw clientFailure("Invalid client_max_window_bits: " + p.value());
                    }
                }
                default -> throw clientFailure("Unknown permessage-deflate parameter: " + p.name());
            }
        }
        return new DeflateParameters(serverNoContext, clientNoContext, serverBits, clientBits);
    }

    /** 8..15 written without a leading zero (RFC 7692 7.1.2), or -1. */
    private static int windowBits(String value) {
        if (value == null) {
            return -1;
        }
        return switch (value) {
            case "8" -> 8;
            case "9" -> 9;
            case "10" -> 10;
            case "11" -> 11;
            case "12" -> 12;
            case "13" -> 13;
            case "14" -> 14;
            case "15" -> 15;
            default -> -1;
        };
    }

    private static HandshakeException clientFailure(String message) {
        return new HandshakeException(HandshakeException.CLIENT_FAILURE, message);
    }

    /** A recursive-descent reader of one header value. */
    private static final class ExtensionParser {
        private final String s;
        private final List<Extension> out;
        private int i;

        ExtensionParser(String s, List<Extension> out) {
            this.s = s;
            this.out = out;
        }

        void parse() {
            // RFC 9110 5.6.1: empty list elements are tolerated.
            while (true) {
                skipOws();
                if (i == s.length()) {
                    return;
                }
                if (s.charAt(i) == ',') {
                    i++;
                    continue;
                }
                String name = token("extension name");
                List<Param> params = new ArrayList<>();
                skipOws();
                while (i < s.length() && s.charAt(i) == ';') {
                    i++;
                    skipOws();
                    String pname = token("parameter name");
                    skipOws();
                    String pvalue = null;
                    if (i < s.length() && s.charAt(i) == '=') {
                        i++;
                        skipOws();
                        pvalue = i < s.length() && s.charAt(i) == '"' ? quoted() : token("parameter value");
                        skipOws();
                    }
                    params.add(new Param(pname, pvalue));
                }
                out.add(new Extension(name, params));
                if (i < s.length() && s.charAt(i) != ',') {
                    throw new IllegalArgumentException("Malformed Sec-WebSocket-Extensions at offset " + i + ": " + s);
                }
            }
        }

        private String token(String what) {
            int start = i;
            while (i < s.length() && Headers.isTchar(s.charAt(i))) {
                i++;
            }
            if (i == start) {
                throw new IllegalArgumentException("Missing " + what + " in Sec-WebSocket-Extensions: " + s);
            }
            return s.substring(start, i);
        }

        private String quoted() {
            i++;
            StringBuilder sb = new StringBuilder();
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    if (i == s.length()) {
                        break;
                    }
                    c = s.charAt(i++);
                }
                sb.append(c);
            }
            if (i == s.length()) {
                throw new IllegalArgumentException("Unterminated quoted string in Sec-WebSocket-Extensions: " + s);
            }
            i++;
            // RFC 6455 9.1: a quoted value must conform to the token ABNF once unquoted.
            if (!Headers.isToken(sb.toString())) {
                throw new IllegalArgumentException("Quoted parameter value is not a token: " + s);
            }
            return sb.toString();
        }

        private void skipOws() {
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
        }
    }
}
