package dev.duplex.server;

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

    private final String method;
    private final String target;
    private final Map<String, List<String>> headers;
    private final InetSocketAddress remoteAddress;
    private final Map<String, String> pathParams;

    ServerRequest(String method, String target, Map<String, List<String>> headers,
                  InetSocketAddress remoteAddress, Map<String, String> pathParams) {
        this.method = method;
        this.target = target;
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>()).addAll(v));
        h.replaceAll((k, v) -> List.copyOf(v));
        this.headers = Collections.unmodifiableMap(h);
        this.remoteAddress = remoteAddress;
        this.pathParams = Map.copyOf(pathParams);
    }

    ServerRequest withPathParams(Map<String, String> params) {
        return new ServerRequest(method, target, headers, remoteAddress, params);
    }

    /** The method, e.g. {@code GET}. */
    public String method() {
        return method;
    }

    /** The request-target as sent, e.g. {@code /chat/lobby?nick=ann}. */
    public String target() {
        return target;
    }

    /** The decoded path, without the query, e.g. {@code /chat/lobby}. */
    public String path() {
        String raw = rawPath();
        return raw.indexOf('%') < 0 ? raw : URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    String rawPath() {
        int q = target.indexOf('?');
        String p = q < 0 ? target : target.substring(0, q);
        return p.isEmpty() ? "/" : p;
    }

    /** The raw query string (after {@code ?}), or {@code ""}. */
    public String query() {
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
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** All headers: lower-case names, values in arrival order. */
    public Map<String, List<String>> headers() {
        return headers;
    }

    /** Cookies from the {@code Cookie} headers (RFC 6265 5.4), first value per name. */
    public Map<String, String> cookies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : headers.getOrDefault("cookie", List.of())) {
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
        return method + " " + target;
    }
}
