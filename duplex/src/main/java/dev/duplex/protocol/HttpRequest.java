package dev.duplex.protocol;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An HTTP/1.1 request head (RFC 9112 3), as parsed by {@link HttpHeadParser} or built by
 * {@link ClientHandshake}. A request body, if any, is not part of it.
 *
 * @param method  the method token, case-sensitive ({@code GET})
 * @param target  the request-target as sent, e.g. {@code /chat?room=1}
 * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param headers the header fields
 */
public record HttpRequest(String method, String target, String version, Headers headers) {

    public HttpRequest {
        if (!Headers.isToken(method)) {
            throw new IllegalArgumentException("method is not a token: " + method);
        }
        if (target == null || target.isEmpty() || !isVisibleAscii(target)) {
            throw new IllegalArgumentException("invalid request target: " + target);
        }
        if (!"HTTP/1.1".equals(version) && !"HTTP/1.0".equals(version)) {
            throw new IllegalArgumentException("unsupported HTTP version: " + version);
        }
        if (headers == null) {
            throw new IllegalArgumentException("headers is null");
        }
    }

    /** A GET request with HTTP/1.1. */
    public static HttpRequest get(String target, Headers headers) {
        return new HttpRequest("GET", target, "HTTP/1.1", headers);
    }

    /** The first value of the header {@code name}, or null. */
    public String header(String name) {
        return headers.first(name);
    }

    /**
     * The path of the target, still percent-encoded, without the query: {@code /chat} for
     * {@code /chat?room=1}. For an absolute-form target ({@code http://host/chat}) the path part;
     * {@code "*"} for asterisk-form.
     */
    public String path() {
        String t = target;
        int scheme = t.indexOf("://");
        if (!t.startsWith("/") && scheme > 0) {
            int slash = t.indexOf('/', scheme + 3);
            int q = t.indexOf('?', scheme + 3);
            if (slash < 0 || q >= 0 && q < slash) {
                return "/";
            }
            t = t.substring(slash);
        }
        int q = t.indexOf('?');
        return q < 0 ? t : t.substring(0, q);
    }

    /** The raw query (after {@code ?}, still percent-encoded), or {@code ""} when there is none. */
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? "" : target.substring(q + 1);
    }

    /**
     * The query parameters, decoded ({@code application/x-www-form-urlencoded}, UTF-8), in order;
     * a parameter without {@code =} has the value {@code ""}. Malformed escapes are kept as sent.
     */
    public Map<String, List<String>> queryParameters() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String query = query();
        if (query.isEmpty()) {
            return Map.of();
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        out.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(out);
    }

    /** The first decoded value of query parameter {@code name}, or null when absent. */
    public String queryParameter(String name) {
        List<String> values = queryParameters().get(name);
        return values == null ? null : values.get(0);
    }

    /**
     * The cookies of every {@code Cookie} header (RFC 6265 5.4: {@code a=1; b=2}), in order, values
     * with surrounding double quotes removed; the first of duplicate names wins. Pairs without
     * {@code =} are skipped.
     */
    public Map<String, String> cookies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String header : headers.all("Cookie")) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = pair.substring(0, eq).strip();
                String value = pair.substring(eq + 1).strip();
                if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                if (!name.isEmpty()) {
                    out.putIfAbsent(name, value);
                }
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The head serialised for the wire: request line, header fields, blank line (ISO-8859-1). */
    public byte[] toBytes() {
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(target).append(' ').append(version).append("\r\n");
        for (Headers.Field f : headers) {
            sb.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }

    private static boolean isVisibleAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }
}
