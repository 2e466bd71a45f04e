package dev.duplex.server;

import dev.duplex.protocol.Headers;

import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP request as the server received it: the upgrade request of a WebSocket, or a plain HTTP
 * request for an {@link HttpHandler}. Immutable.
 */
public final class ServerRequest {

    /** Separates names and values in {@link #fields}; never part of a field (RFC 9110 5.5 forbids LF). */
    private static final byte SEP = '\n';

    private final String method;
    /**
     * The request-target and the header fields, compact: {@code target SEP}, then {@code name SEP
     * value SEP} per field in arrival order, names in lower case, ISO-8859-1 (as fields are on the
     * wire, RFC 9110 5.5). A server holds the upgrade request of every open WebSocket, so this keeps
     * one array instead of a map of lists of strings; {@link #headers()} builds the map on demand.
     */
    private final byte[] fields;
    private final InetSocketAddress remoteAddress;
    private final Map<String, String> pathParams;

    ServerRequest(String method, String target, Headers headers, InetSocketAddress remoteAddress) {
        this(method, flatten(target, headers), remoteAddress, Map.of());
    }

    /** From a map of header names to values (names in any case; values in order). */
    ServerRequest(String method, String target, Map<String, List<String>> headers,
                  InetSocketAddress remoteAddress, Map<String, String> pathParams) {
        this(method, flatten(target, headers), remoteAddress, Map.copyOf(pathParams));
    }

    private ServerRequest(String method, byte[] fields, InetSocketAddress remoteAddress,
                          Map<String, String> pathParams) {
        this.method = "GET".equals(method) ? "GET" : method; // one shared string for the usual method
        this.fields = fields;
        this.remoteAddress = remoteAddress;
        this.pathParams = pathParams;
    }

    /** The request line's target and the header fields, as kept (see {@link #withoutHandshakeFields}). */
    byte[] fields() {
        return fields;
    }

    /** A request made of parts kept elsewhere (an open socket keeps its fields, not this object). */
    static ServerRequest of(String method, byte[] fields, InetSocketAddress remoteAddress, Map<String, String> pathParams) {
        return new ServerRequest(method, fields, remoteAddress, pathParams);
    }

    /**
     * What an open WebSocket keeps of its upgrade request when nothing needed the whole of it first:
     * the same as {@code new ServerRequest(method, target, headers, remoteAddress)}
     * {@code .withPathParams(pathParams).withoutHandshakeFields()}, made in one copy.
     */
    static ServerRequest forSocket(String method, String target, Headers headers, InetSocketAddress remoteAddress,
                                   Map<String, String> pathParams) {
        return new ServerRequest(method, flatten(target, headers, true), remoteAddress, Map.copyOf(pathParams));
    }

    ServerRequest withPathParams(Map<String, String> params) {
        return new ServerRequest(method, fields, remoteAddress, Map.copyOf(params));
    }

    /** Header fields that only carry the opening handshake itself (RFC 6455 4.1, RFC 7692). */
    private static final String[] HANDSHAKE_FIELDS = {
            "upgrade", "connection", "sec-websocket-key", "sec-websocket-version", "sec-websocket-extensions"};

    /**
     * This request without the fields that only carried the opening handshake ({@code Upgrade},
     * {@code Connection}, {@code Sec-WebSocket-Key}, {@code -Version}, {@code -Extensions}): what
     * an open WebSocket keeps. A server holds one per open connection for its whole life, and
     * these fields are most of a browser's request; what they settled is in the socket's
     * {@code protocol()} and {@code extensions()}.
     */
    ServerRequest withoutHandshakeFields() {
        int start = fieldsStart();
        int n = start;
        for (int at = start; at < fields.length; at = next(at)) {
            if (!isHandshakeField(at)) {
                n += next(at) - at;
            }
        }
        if (n == fields.length) {
            return this;
        }
        byte[] kept = new byte[n];   // sized first: one array, no trimmed copy
        System.arraycopy(fields, 0, kept, 0, start);
        n = start;
        for (int at = start; at < fields.length; ) {
            int end = next(at);
            if (!isHandshakeField(at)) {
                System.arraycopy(fields, at, kept, n, end - at);
                n += end - at;
            }
            at = end;
        }
        return new ServerRequest(method, kept, remoteAddress, pathParams);
    }

    private boolean isHandshakeField(int at) {
        int len = indexOfSep(at) - at;
        for (String name : HANDSHAKE_FIELDS) {
            if (name.length() == len && nameMatches(at, name)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHandshakeField(String name) {
        for (String h : HANDSHAKE_FIELDS) {
            if (h.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Written straight into the array, sized first: this runs for every upgrade request. */
    private static byte[] flatten(String target, Headers headers) {
        return flatten(target, headers, false);
    }

    /** See {@link #flatten(String, Headers)}; {@code withoutHandshakeFields} leaves those out (see {@link #withoutHandshakeFields}). */
    private static byte[] flatten(String target, Headers headers, boolean withoutHandshakeFields) {
        int size = target.length() + 1;
        for (Headers.Field f : headers) {
            if (!withoutHandshakeFields || !isHandshakeField(f.name())) {
                size += f.name().length() + f.value().length() + 2;
            }
        }
        byte[] out = new byte[size];
        int at = put(out, 0, target, false);
        out[at++] = SEP;
        for (Headers.Field f : headers) {
            if (withoutHandshakeFields && isHandshakeField(f.name())) {
                continue;
            }
            at = put(out, at, f.name(), true);   // a token: ASCII, so lower case is A-Z to a-z
            out[at++] = SEP;
            at = put(out, at, f.value(), false);
            out[at++] = SEP;
        }
        return out;
    }

    /** Writes {@code s} as ISO-8859-1 at {@code at} (lower-cased if asked); the next index. */
    private static int put(byte[] out, int at, String s, boolean lower) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == SEP) {
                throw new IllegalArgumentException("request target or header field contains a line feed");
            }
            if (c > 0xff) {
                throw new IllegalArgumentException("header field outside ISO-8859-1");
            }
            out[at++] = (byte) (lower && c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
        }
        return at;
    }

    private static byte[] flatten(String target, Map<String, List<String>> headers) {
        StringBuilder sb = start(target, 256);
        headers.forEach((name, values) -> values.forEach(v -> append(sb, name, v)));
        return latin1(sb.toString());
    }

    private static byte[] latin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException("header field outside ISO-8859-1");
            }
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static StringBuilder start(String target, int fieldChars) {
        if (target.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("request target contains a line feed");
        }
        return new StringBuilder(target.length() + 1 + fieldChars).append(target).append((char) SEP);
    }

    /** Where the header fields start in {@link #fields}. */
    private int fieldsStart() {
        return indexOfSep(0) + 1;
    }

    private int indexOfSep(int from) {
        for (int i = from; i < fields.length; i++) {
            if (fields[i] == SEP) {
                return i;
            }
        }
        return -1;
    }

    private String string(int from, int to) {
        return new String(fields, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static void append(StringBuilder sb, String name, String value) {
        if (name.indexOf(SEP) >= 0 || value.indexOf(SEP) >= 0) {
            throw new IllegalArgumentException("header field contains a line feed");
        }
        sb.append(name.toLowerCase(Locale.ROOT)).append((char) SEP).append(value).append((char) SEP);
    }

    /** The method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The request-target as sent, e.g. {@code /chat/lobby?nick=ann}. */
    public String target() {
        return string(0, indexOfSep(0));
    }

    /** The decoded path, without the query, e.g. {@code /chat/lobby}. */
    public String path() {
        return path(target());
    }

    /** The decoded path of a request-target (see {@link #path()}). */
    static String path(String target) {
        String raw = rawPath(target);
        return raw.indexOf('%') < 0 ? raw : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    String rawPath() {
        return rawPath(target());
    }

    private static String rawPath(String target) {
        int q = target.indexOf('?');
        String p = q < 0 ? target : target.substring(0, q);
        return p.isEmpty() ? "/" : p;
    }

    /** The raw query string (after {@code ?}), or {@code ""}. */
    public String query() {
        String target = target();
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    /** The first decoded value of query parameter {@code name}, or null. */
    public String queryParam(String name) {
        for (String pair : query().split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public String header(String name) {
        int at = find(name, fieldsStart());
        return at < 0 ? null : valueAt(at);
    }

    /**
     * All headers: lower-case names in order of first arrival, each with its values in arrival
     * order. Unmodifiable; built on each call.
     */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int at = fieldsStart(); at < fields.length; ) {
            int sep = indexOfSep(at);
            int end = indexOfSep(sep + 1);
            m.computeIfAbsent(string(at, sep), k -> new ArrayList<>(2)).add(string(sep + 1, end));
            at = end + 1;
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(m);
    }

    /** The values of every header called {@code name} (case-insensitive), in arrival order. */
    private List<String> values(String name) {
        List<String> out = new ArrayList<>(2);
        for (int at = find(name, fieldsStart()); at >= 0; at = find(name, next(at))) {
            out.add(valueAt(at));
        }
        return out;
    }

    /** The offset of the first field called {@code name} at or after {@code from}, or -1. */
    private int find(String name, int from) {
        int n = name.length();
        for (int at = from; at < fields.length; ) {
            int sep = indexOfSep(at);
            if (sep - at == n && nameMatches(at, name)) {
                return at;
            }
            at = next(at);
        }
        return -1;
    }

    /** Whether the (lower-case) name at {@code at} equals {@code name}, ignoring case. */
    private boolean nameMatches(int at, String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if ((fields[at + i] & 0xff) != c) {
                return false;
            }
        }
        return true;
    }

    /** The offset of the field after the one whose name starts at {@code at}. */
    private int next(int at) {
        return indexOfSep(indexOfSep(at) + 1) + 1;
    }

    /** The value of the field whose name starts at {@code at}. */
    private String valueAt(int at) {
        int sep = indexOfSep(at);
        return string(sep + 1, indexOfSep(sep + 1));
    }

    /** Cookies from the {@code Cookie} headers (RFC 6265 5.4), first value per name. */
    public Map<String, String> cookies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : values("cookie")) {
            for (String part : line.split(";")) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    String v = part.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    out.putIfAbsent(part.substring(0, eq).trim(), v);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The client's address. */
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    /** A path parameter of the matched route ({@code room} in {@code /chat/{room}}), or null. */
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    /** All path parameters of the matched route. */
    public Map<String, String> pathParams() {
        return pathParams;
    }

    @Override
    public String toString() {
        return method + " " + target();
    }
}
