package dev.duplex.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** A path pattern: literal segments and {@code {name}} segments that capture one segment. */
final class RoutePattern {

    private final String pattern;
    private final String[] segments;

    private RoutePattern(String pattern, String[] segments) {
        this.pattern = pattern;
        this.segments = segments;
    }

    static RoutePattern parse(String pattern) {
        if (pattern == null || !pattern.startsWith("/")) {
            throw new IllegalArgumentException("a route must start with '/': " + pattern);
        }
        String[] segs = split(pattern);
        for (String s : segs) {
            if (s.startsWith("{") != s.endsWith("}") || (s.startsWith("{") && s.length() < 3)) {
                throw new IllegalArgumentException("bad route segment '" + s + "' in " + pattern);
            }
        }
        return new RoutePattern(pattern, segs);
    }

    /** The captured parameters if {@code path} (decoded) matches, else null. */
    Map<String, String> match(String path) {
        String[] parts = split(path);
        if (parts.length != segments.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < parts.length; i++) {
            String s = segments[i];
            if (s.startsWith("{")) {
                if (parts[i].isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new LinkedHashMap<>();
                }
                params.put(s.substring(1, s.length() - 1), parts[i]);
            } else if (!s.equals(parts[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static String[] split(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
