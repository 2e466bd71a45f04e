package dev.duplex.server;

import dev.duplex.protocol.Headers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The request kept for every open WebSocket holds its header fields in one compact string. */
class ServerRequestTest {

    private static final Headers HEADERS = Headers.builder()
            .add("Host", "example.com")
            .add("Upgrade", "websocket")
            .add("Cookie", "a=1; b=\"two\"")
            .add("X-Trace", "first")
            .add("cookie", "a=ignored; c=3")
            .add("x-trace", "second, third")
            .add("Empty", "")
            .build();

    private final ServerRequest request = new ServerRequest("GET", "/room?x=1", HEADERS, null);

    @Test
    void headerLooksUpNamesIgnoringCaseAndReturnsTheFirstValue() {
        assertThat(request.header("host")).isEqualTo("example.com");
        assertThat(request.header("HOST")).isEqualTo("example.com");
        assertThat(request.header("x-TRACE")).isEqualTo("first");
        assertThat(request.header("Empty")).isEmpty();
        assertThat(request.header("Hos")).isNull();
        assertThat(request.header("Hostx")).isNull();
        assertThat(request.header("example.com")).isNull(); // a value is not a name
        assertThat(request.header("/room?x=1")).isNull();   // nor is the target
    }

    @Test
    void headersGroupsValuesUnderLowerCaseNamesInArrivalOrder() {
        Map<String, List<String>> h = request.headers();
        assertThat(h.keySet()).containsExactly("host", "upgrade", "cookie", "x-trace", "empty");
        assertThat(h.get("x-trace")).containsExactly("first", "second, third");
        assertThat(h.get("cookie")).containsExactly("a=1; b=\"two\"", "a=ignored; c=3");
        assertThat(h.get("empty")).containsExactly("");
        assertThatThrownBy(() -> h.put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> h.get("host").add("y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anOpenSocketKeepsTheRequestWithoutTheHandshakesOwnFields() {
        ServerRequest full = new ServerRequest("GET", "/room?x=1", upgradeHeaders(), null).withPathParams(Map.of("room", "lobby"));
        ServerRequest kept = full.withoutHandshakeFields();
        assertThat(kept.headers().keySet()).containsExactly("host", "origin", "sec-websocket-protocol", "connection-id");
        assertThat(kept.header("sec-websocket-key")).isNull();
        assertThat(kept.header("Connection-Id")).isEqualTo("7");
        assertThat(kept.target()).isEqualTo("/room?x=1");
        assertThat(kept.pathParam("room")).isEqualTo("lobby");
        assertThat(full.header("sec-websocket-key")).isEqualTo("dGhlIHNhbXBsZSBub25jZQ=="); // the hook's copy
        ServerRequest plain = new ServerRequest("GET", "/", Headers.builder().add("Host", "h").build(), null);
        assertThat(plain.withoutHandshakeFields()).isSameAs(plain);
    }

    @Test
    void theSocketsCopyMadeInOneGoIsTheSameAsTheTwoStepOne() {
        Headers h = upgradeHeaders();
        ServerRequest twoSteps = new ServerRequest("GET", "/room?x=1", h, null)
                .withPathParams(Map.of("room", "lobby")).withoutHandshakeFields();
        ServerRequest oneGo = ServerRequest.forSocket("GET", "/room?x=1", h, null, Map.of("room", "lobby"));
        assertThat(oneGo.fields()).isEqualTo(twoSteps.fields());
        assertThat(oneGo.headers()).isEqualTo(twoSteps.headers());
        assertThat(oneGo.pathParams()).isEqualTo(Map.of("room", "lobby"));
        assertThat(oneGo.method()).isEqualTo("GET");
        ServerRequest plain = ServerRequest.forSocket("GET", "/", Headers.builder().add("Host", "h").build(), null, Map.of());
        assertThat(plain.fields()).isEqualTo(new ServerRequest("GET", "/", Headers.builder().add("Host", "h").build(), null).fields());
    }

    /** A browser's upgrade request: the handshake's own fields, mixed case, among the others. */
    private static Headers upgradeHeaders() {
        return Headers.builder()
                .add("Host", "example.com")
                .add("Upgrade", "websocket")
                .add("Connection", "Upgrade")
                .add("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .add("Origin", "https://example.com")
                .add("SEC-WEBSOCKET-VERSION", "13")
                .add("Sec-WebSocket-Extensions", "permessage-deflate")
                .add("Sec-WebSocket-Protocol", "chat")
                .add("Connection-Id", "7") // a longer name that starts like one of them
                .build();
    }

    @Test
    void pathOfATargetDropsTheQueryAndDecodes() {
        assertThat(ServerRequest.path("/a%20b/c?x=1")).isEqualTo("/a b/c");
        assertThat(ServerRequest.path("?x=1")).isEqualTo("/");
        assertThat(ServerRequest.path("/a+b")).isEqualTo("/a+b");
    }

    @Test
    void cookiesComeFromEveryCookieHeaderFirstValueWins() {
        assertThat(request.cookies()).containsExactly(Map.entry("a", "1"), Map.entry("b", "two"), Map.entry("c", "3"));
    }

    @Test
    void pathParamsAndTheRequestLineSurviveWithPathParams() {
        ServerRequest r = request.withPathParams(Map.of("room", "lobby"));
        assertThat(r.method()).isEqualTo("GET");
        assertThat(r.target()).isEqualTo("/room?x=1");
        assertThat(r.toString()).isEqualTo("GET /room?x=1");
        assertThat(r.path()).isEqualTo("/room");
        assertThat(r.queryParam("x")).isEqualTo("1");
        assertThat(r.pathParam("room")).isEqualTo("lobby");
        assertThat(r.header("Upgrade")).isEqualTo("websocket");
        assertThat(request.pathParams()).isEmpty();
    }

    @Test
    void obsTextValuesSurviveAsIso88591() {
        ServerRequest r = new ServerRequest("GET", "/", Headers.of("X-Name", "caf\u00e9 \u00ff", "Host", "h"), null);
        assertThat(r.header("x-name")).isEqualTo("caf\u00e9 \u00ff");
        assertThat(r.headers().get("x-name")).containsExactly("caf\u00e9 \u00ff");
        assertThat(r.header("host")).isEqualTo("h");
    }

    @Test
    void aRequestWithoutHeadersHasNone() {
        ServerRequest r = new ServerRequest("HEAD", "/", Headers.EMPTY, null);
        assertThat(r.method()).isEqualTo("HEAD");
        assertThat(r.header("host")).isNull();
        assertThat(r.headers()).isEmpty();
        assertThat(r.cookies()).isEmpty();
    }

    @Test
    void latin1ValuesAndMixedCaseNamesSurviveTheCompactForm() {
        ServerRequest r = new ServerRequest("GET", "/caf%C3%A9", Headers.builder()
                .add("X-Mixed-CASE-Name", "Caf\u00e9 \u00ff Value").build(), null);
        assertThat(r.headers()).containsOnlyKeys("x-mixed-case-name");
        assertThat(r.header("X-MIXED-case-name")).isEqualTo("Caf\u00e9 \u00ff Value");
        assertThat(r.target()).isEqualTo("/caf%C3%A9");
        assertThatThrownBy(() -> new ServerRequest("GET", "/a\nb", Headers.EMPTY, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
