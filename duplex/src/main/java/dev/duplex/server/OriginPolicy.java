package dev.duplex.server;

import java.net.URI;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which {@code Origin} values may open a WebSocket (RFC 6455 10.2). Browsers always send
 * {@code Origin}; other clients usually do not. A refused origin gets {@code 403 Forbidden}.
 *
 * <p>The default, {@link #sameHostOrNone()}, accepts requests without an {@code Origin} header
 * (non-browser clients) and requests whose origin's host (and port, when given) equals the request's
 * {@code Host} header, which stops other web sites from opening sockets with a visitor's cookies
 * (cross-site WebSocket hijacking).
 */
@FunctionalInterface
public interface OriginPolicy {

    /**
     * @param origin the {@code Origin} header value, or null when absent
     * @param host   the {@code Host} header value
     */
    boolean allows(String origin, String host);

    /** No {@code Origin}, or one whose host[:port] matches {@code Host} (case-insensitive). The default. */
    static OriginPolicy sameHostOrNone() {
        return (origin, host) -> {
            if (origin == null) {
                return true;
            }
            if (host == null || origin.equals("null")) {
                return false;
            }
            try {
                URI u = URI.create(origin.trim());
                if (u.getHost() == null) {
                    return false;
                }
                String o = u.getHost().toLowerCase(Locale.ROOT);
                String h = host.trim().toLowerCase(Locale.ROOT);
                String hostOnly = h.startsWith("[") ? h.substring(0, h.indexOf(']') + 1)
                        : (h.indexOf(':') >= 0 ? h.substring(0, h.indexOf(':')) : h);
                if (!o.equals(hostOnly) && !("[" + o + "]").equals(hostOnly) && !o.equals("[" + hostOnly + "]")) {
                    return false;
                }
                String hostPort = h.length() > hostOnly.length() ? h.substring(hostOnly.length() + 1) : null;
                if (hostPort == null || u.getPort() == -1) {
                    return true; // a default port on either side: the host match is enough
                }
                return hostPort.equals(Integer.toString(u.getPort()));
            } catch (IllegalArgumentException e) {
                return false;
            }
        };
    }

    /** Only these exact origins (e.g. {@code https://example.com}); requests without {@code Origin} are accepted. */
    static OriginPolicy allowList(String... origins) {
        Set<String> allowed = Stream.of(origins).map(o -> o.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        return (origin, host) -> origin == null || allowed.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    /** Any origin (for public APIs that use no cookies). */
    static OriginPolicy any() {
        return (origin, host) -> true;
    }
}
