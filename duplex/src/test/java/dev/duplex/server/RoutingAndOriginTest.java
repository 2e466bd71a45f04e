package dev.duplex.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoutingAndOriginTest {

    @Test
    void literalAndParameterSegments() {
        RoutePattern p = RoutePattern.parse("/chat/{room}");
        assertThat(p.match("/chat/lobby")).isEqualTo(Map.of("room", "lobby"));
        assertThat(p.match("/chat/lobby/")).isEqualTo(Map.of("room", "lobby"));
        assertThat(p.match("/chat")).isNull();
        assertThat(p.match("/chat/")).isNull();
        assertThat(p.match("/chat/a/b")).isNull();
        assertThat(RoutePattern.parse("/").match("/")).isEmpty();
        assertThat(RoutePattern.parse("/echo").match("/echo")).isEmpty();
        assertThat(RoutePattern.parse("/echo").match("/echo2")).isNull();
    }

    @Test
    void badPatternsAreRefused() {
        assertThatThrownBy(() -> RoutePattern.parse("echo")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoutePattern.parse("/a/{x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RoutePattern.parse("/a/{}")).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "origin {0} host {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "none, example.com, true",                       // non-browser client
            "https://example.com, example.com, true",
            "https://EXAMPLE.com, example.com:443, true",
            "http://example.com:8080, example.com:8080, true",
            "http://example.com:8081, example.com:8080, false",
            "https://evil.example, example.com, false",
            "null, example.com, false",                      // sandboxed iframes send Origin: null
            "http://[::1]:8080, [::1]:8080, true",
            "not a url, example.com, false"})
    void sameHostOrNone(String origin, String host, boolean allowed) {
        assertThat(OriginPolicy.sameHostOrNone().allows(origin, host)).isEqualTo(allowed);
    }

    @Test
    void requestAccessors() {
        ServerRequest r = new ServerRequest("GET", "/chat/a%20b?nick=ann&x=1+2&flag",
                Map.of("Cookie", java.util.List.of("session=abc; theme=\"dark\""), "X-Many", java.util.List.of("1", "2")),
                null, Map.of("room", "a b"));
        assertThat(r.path()).isEqualTo("/chat/a b");
        assertThat(r.query()).isEqualTo("nick=ann&x=1+2&flag");
        assertThat(r.queryParam("nick")).isEqualTo("ann");
        assertThat(r.queryParam("x")).isEqualTo("1 2");
        assertThat(r.queryParam("flag")).isEmpty();
        assertThat(r.queryParam("missing")).isNull();
        assertThat(r.cookies()).containsEntry("session", "abc").containsEntry("theme", "dark");
        assertThat(r.header("x-many")).isEqualTo("1");
        assertThat(r.headers().get("x-many")).containsExactly("1", "2");
        assertThat(r.pathParam("room")).isEqualTo("a b");
    }
}
