package dev.duplex;

import dev.duplex.protocol.Utf8;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A WebSocket URL, parsed and serialised as the URL Standard says (url.spec.whatwg.org) and checked as
 * the WebSocket constructor says (WHATWG WebSockets §dom-websocket-websocket, steps 1–4):
 * the input is parsed against an optional base URL; {@code http}/{@code https} become
 * {@code ws}/{@code wss}; any other scheme, any fragment (even an empty one) or a parse failure is a
 * {@code SyntaxError}.
 *
 * <p>Only the URL Standard's <em>special</em> schemes reach the interesting parts of the parser, so
 * this is the basic URL parser for special URLs: tab/newline stripping, backslash as slash, userinfo,
 * host parsing (percent-decoding, IDNA to ASCII, IPv4 in all its legacy forms, IPv6 with compression),
 * default ports dropped, dot segments, and the standard's percent-encode sets. IDNA uses the JDK's
 * IDNA 2003 {@link IDN}, not UTS 46; the two differ only for rare non-ASCII labels.
 *
 * <p>Immutable.
 */
final class WebSocketUrl {

    private final boolean secure;
    private final String username;
    private final String password;
    private final String host;      // serialised: a domain, dotted IPv4, or [IPv6]
    private final int port;         // -1 when null (absent or the scheme's default)
    private final String path;      // serialised, always starts with "/"
    private final String query;     // without '?', or null

    private WebSocketUrl(boolean secure, String username, String password, String host, int port,
                         String path, String query) {
        this.secure = secure;
        this.username = username;
        this.password = password;
        this.host = host;
        this.port = port;
        this.path = path;
        this.query = query;
    }

    /** {@link #parse(String, String)} with no base URL: relative URLs are a SyntaxError. */
    static WebSocketUrl parse(String url) {
        return parse(url, null);
    }

    /**
     * The constructor's URL steps. {@code base} plays the browser's "API base URL" (its scheme must be
     * http, https, ws or wss); null means relative URLs cannot be resolved.
     *
     * @throws DomException SyntaxError, with a message naming the rule
     */
    static WebSocketUrl parse(String url, String base) {
        Objects.requireNonNull(url, "url");
        Record baseRecord = null;
        if (base != null) {
            baseRecord = new Parser(base, null).parse();
            if (baseRecord == null) {
                throw DomException.syntaxError("The base URL '" + base + "' is invalid.");
            }
        }
        Record r = new Parser(url, baseRecord).parse();
        if (r == null) {
            throw DomException.syntaxError("The URL '" + url + "' is invalid.");
        }
        // Step 3: http -> ws, https -> wss.
        String scheme = switch (r.scheme) {
            case "http" -> "ws";
            case "https" -> "wss";
            default -> r.scheme;
        };
        // Step 4: any other scheme.
        if (!scheme.equals("ws") && !scheme.equals("wss")) {
            throw DomException.syntaxError("The URL's scheme must be 'ws', 'wss', 'http' or 'https'; '"
                    + r.scheme + "' is not allowed.");
        }
        // Step 5: a fragment, even an empty one.
        if (r.fragment != null) {
            throw DomException.syntaxError("The URL contains a fragment identifier ('#" + r.fragment
                    + "'). Fragment identifiers are not allowed in WebSocket URLs.");
        }
        boolean secure = scheme.equals("wss");
        int port = r.port == (secure ? 443 : 80) ? -1 : r.port;
        return new WebSocketUrl(secure, r.username, r.password, r.host, port,
                serialisePath(r.path), r.query);
    }

    /** {@code "ws"} or {@code "wss"}. */
    String scheme() {
        return secure ? "wss" : "ws";
    }

    boolean secure() {
        return secure;
    }

    /** The serialised host: a lower-case domain, dotted IPv4, or an IPv6 address in brackets. */
    String host() {
        return host;
    }

    /** The host to connect to: {@link #host()} without IPv6 brackets. */
    String connectHost() {
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The port to connect to: the explicit one, or 80/443. */
    int effectivePort() {
        return port >= 0 ? port : secure ? 443 : 80;
    }

    /** The explicit, non-default port, or -1. */
    int port() {
        return port;
    }

    /** The serialised path; {@code "/"} for an empty one. */
    String path() {
        return path;
    }

    /** The query without its {@code '?'}, or null. */
    String query() {
        return query;
    }

    /** The percent-encoded username, {@code ""} when absent. */
    String username() {
        return username;
    }

    /** The percent-encoded password, {@code ""} when absent. */
    String password() {
        return password;
    }

    /** RFC 6455 3: the resource name, path and query, for the request line. */
    String resourceName() {
        return query == null ? path : path + "?" + query;
    }

    /** The {@code Host} header value: host, plus the port when not the default. */
    String hostHeader() {
        return port >= 0 ? host + ":" + port : host;
    }

    /** The serialised origin (HTML §ascii-serialisation-of-an-origin) for {@code MessageEvent.origin}. */
    String origin() {
        return scheme() + "://" + hostHeader();
    }

    /** The URL serialiser (URL Standard §concept-url-serializer), exclude-fragment being moot. */
    String serialise() {
        StringBuilder b = new StringBuilder(scheme()).append("://");
        if (!username.isEmpty() || !password.isEmpty()) {
            b.append(username);
            if (!password.isEmpty()) {
                b.append(':').append(password);
            }
            b.append('@');
        }
        b.append(hostHeader()).append(path);
        if (query != null) {
            b.append('?').append(query);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return serialise();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WebSocketUrl u && u.serialise().equals(serialise());
    }

    @Override
    public int hashCode() {
        return serialise().hashCode();
    }

    private static String serialisePath(List<String> segments) {
        StringBuilder b = new StringBuilder();
        for (String s : segments) {
            b.append('/').append(s);
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    // ---------------------------------------------------------------------------------------------
    // The basic URL parser, special schemes only.

    /** A parsed URL record; any non-special scheme is kept only so the caller can name it. */
    private static final class Record {
        String scheme;
        String username = "";
        String password = "";
        String host;
        int port = -1;
        List<String> path = new ArrayList<>();
        String query;
        String fragment;
    }

    private static boolean isSpecial(String scheme) {
        return switch (scheme) {
            case "http", "https", "ws", "wss", "ftp", "file" -> true;
            default -> false;
        };
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "http", "ws" -> 80;
            case "https", "wss" -> 443;
            case "ftp" -> 21;
            default -> -1;
        };
    }

    private static final class Parser {
        private final String in;
        private final Record base;
        private int pos;

        Parser(String raw, Record base) {
            this.in = clean(Utf8.toUsv(raw));
            this.base = base;
        }

        /** Strips leading/trailing C0 controls and spaces, removes tabs and newlines. */
        private static String clean(String s) {
            int start = 0;
            int end = s.length();
            while (start < end && s.charAt(start) <= 0x20) {
                start++;
            }
            while (end > start && s.charAt(end - 1) <= 0x20) {
                end--;
            }
            StringBuilder b = new StringBuilder(end - start);
            for (int i = start; i < end; i++) {
                char c = s.charAt(i);
                if (c != '\t' && c != '\n' && c != '\r') {
                    b.append(c);
                }
            }
            return b.toString();
        }

        /** The record, or null on failure. */
        Record parse() {
            Record url = new Record();
            String scheme = readScheme();
            if (scheme == null) {
                // No scheme state: only a special base can resolve this here.
                if (base == null) {
                    return null;
                }
                return relative(url);
            }
            url.scheme = scheme;
            if (!isSpecial(scheme) || scheme.equals("file")) {
                // Not a WebSocket URL in any case; the caller reports the scheme.
                url.host = "";
                return url;
            }
            if (base != null && base.scheme.equals(scheme) && !startsWithTwoSlashes()) {
                // Special relative or authority state -> relative state.
                return relative(url);
            }
            skipSlashes();
            return authority(url) ? url : null;
        }

        private String readScheme() {
            if (in.isEmpty() || !isAsciiAlpha(in.charAt(0))) {
                return null;
            }
            int i = 1;
            while (i < in.length()) {
                char c = in.charAt(i);
                if (c == ':') {
                    pos = i + 1;
                    return in.substring(0, i).toLowerCase(Locale.ROOT);
                }
                if (!(isAsciiAlpha(c) || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                    return null;
                }
                i++;
            }
            return null;
        }

        private boolean startsWithTwoSlashes() {
            return pos + 1 < in.length() && isSlash(in.charAt(pos)) && isSlash(in.charAt(pos + 1));
        }

        private void skipSlashes() {
            while (pos < in.length() && isSlash(in.charAt(pos))) {
                pos++;
            }
        }

        /** Relative state and relative slash state, against {@link #base}. */
        private Record relative(Record url) {
            url.scheme = base.scheme;
            if (!isSpecial(base.scheme) || base.scheme.equals("file")) {
                return null;
            }
            if (pos < in.length() && isSlash(in.charAt(pos))) {
                if (startsWithTwoSlashes()) {
                    skipSlashes();
                    return authority(url) ? url : null;
                }
                copyAuthority(url);
                pos++; // the path restarts from the root
                return pathAndRest(url) ? url : null;
            }
            copyAuthority(url);
            url.path = new ArrayList<>(base.path);
            if (pos == in.length()) {
                url.query = base.query;
                return url;
            }
            char c = in.charAt(pos);
            if (c == '?') {
                pos++;
                return queryAndFragment(url) ? url : null; // base path kept, new query
            }
            if (c == '#') {
                url.query = base.query;
                url.fragment = in.substring(pos + 1);
                return url;
            }
            if (!url.path.isEmpty()) {
                url.path.remove(url.path.size() - 1);
            }
            return pathAndRest(url) ? url : null;
        }

        private void copyAuthority(Record url) {
            url.username = base.username;
            url.password = base.password;
            url.host = base.host;
            url.port = base.port;
        }

        /** Authority state, host state, port state; then the path. */
        private boolean authority(Record url) {
            int end = pos;
            while (end < in.length()) {
                char c = in.charAt(end);
                if (isSlash(c) || c == '?' || c == '#') {
                    break;
                }
                end++;
            }
            String authority = in.substring(pos, end);
            pos = end;
            int at = authority.lastIndexOf('@');
            String hostPort = authority;
            if (at >= 0) {
                String userinfo = authority.substring(0, at);
                hostPort = authority.substring(at + 1);
                int colon = userinfo.indexOf(':');
                String user = colon < 0 ? userinfo : userinfo.substring(0, colon);
                String pass = colon < 0 ? "" : userinfo.substring(colon + 1);
                url.username = percentEncode(user, USERINFO);
                url.password = percentEncode(pass, USERINFO);
                if (hostPort.isEmpty()) {
                    return false; // credentials with no host
                }
            }
            // The port separator is a ':' outside brackets.
            int colon = -1;
            boolean inBrackets = false;
            for (int i = 0; i < hostPort.length(); i++) {
                char c = hostPort.charAt(i);
                if (c == '[') {
                    inBrackets = true;
                } else if (c == ']') {
                    inBrackets = false;
                } else if (c == ':' && !inBrackets) {
                    colon = i;
                    break;
                }
            }
            String hostText = colon < 0 ? hostPort : hostPort.substring(0, colon);
            if (hostText.isEmpty()) {
                return false; // a special URL needs a host
            }
            String parsedHost = UrlHost.parseHost(hostText);
            if (parsedHost == null) {
                return false;
            }
            url.host = parsedHost;
            if (colon >= 0) {
                String portText = hostPort.substring(colon + 1);
                if (!portText.isEmpty()) {
                    long p = 0;
                    for (int i = 0; i < portText.length(); i++) {
                        char c = portText.charAt(i);
                        if (c < '0' || c > '9') {
                            return false;
                        }
                        p = p * 10 + (c - '0');
                        if (p > 65535) {
                            return false;
                        }
                    }
                    url.port = p == defaultPort(url.scheme) ? -1 : (int) p;
                }
            }
            // Path start state: the slash that ended the authority starts the path.
            if (pos < in.length() && isSlash(in.charAt(pos))) {
                pos++;
            }
            return pathAndRest(url);
        }

        /** Path state (special URL), query state, fragment state. */
        private boolean pathAndRest(Record url) {
            StringBuilder buffer = new StringBuilder();
            while (true) {
                char c = pos < in.length() ? in.charAt(pos) : 0;
                boolean eof = pos >= in.length();
                if (eof || isSlash(c) || c == '?' || c == '#') {
                    String seg = buffer.toString();
                    boolean last = !(!eof && isSlash(c));
                    if (isDoubleDot(seg)) {
                        if (!url.path.isEmpty()) {
                            url.path.remove(url.path.size() - 1);
                        }
                        if (last) {
                            url.path.add("");
                        }
                    } else if (isSingleDot(seg)) {
                        if (last) {
                            url.path.add("");
                        }
                    } else {
                        url.path.add(seg);
                    }
                    buffer.setLength(0);
                    if (eof) {
                        return true;
                    }
                    pos++;
                    if (c == '?') {
                        return queryAndFragment(url);
                    }
                    if (c == '#') {
                        url.fragment = in.substring(pos);
                        return true;
                    }
                } else {
                    int cp = in.codePointAt(pos);
                    appendPercentEncoded(buffer, cp, PATH);
                    pos += Character.charCount(cp);
                }
            }
        }

        private boolean queryAndFragment(Record url) {
            int hash = in.indexOf('#', pos);
            String q = hash < 0 ? in.substring(pos) : in.substring(pos, hash);
            url.query = percentEncode(q, SPECIAL_QUERY);
            if (hash >= 0) {
                url.fragment = in.substring(hash + 1);
            }
            pos = in.length();
            return true;
        }

        private static boolean isSlash(char c) {
            return c == '/' || c == '\\'; // special URLs treat '\' as '/'
        }
    }

    private static boolean isAsciiAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isSingleDot(String s) {
        return s.equals(".") || s.equalsIgnoreCase("%2e");
    }

    private static boolean isDoubleDot(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "..", ".%2e", "%2e.", "%2e%2e" -> true;
            default -> false;
        };
    }

    // ---------------------------------------------------------------------------------------------
    // Percent-encode sets (URL Standard §percent-encoded-bytes). Each is "C0 control" (U+0000–U+001F and
    // everything above U+007E) plus the ASCII characters listed.

    private static final String SPECIAL_QUERY = " \"#<>'";
    private static final String PATH = " \"#<>?^`{}";
    private static final String USERINFO = PATH + "/:;=@[\\]|";

    private static String percentEncode(String s, String set) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            appendPercentEncoded(b, cp, set);
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static void appendPercentEncoded(StringBuilder b, int cp, String set) {
        if (cp > 0x1f && cp < 0x7f && set.indexOf(cp) < 0) {
            b.append((char) cp);
            return;
        }
        for (byte x : new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8)) {
            b.append('%').append(Character.toUpperCase(Character.forDigit((x >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(x & 0xf, 16)));
        }
    }
}
