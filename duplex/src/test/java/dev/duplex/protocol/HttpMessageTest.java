package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpMessageTest {

    private static HttpRequest get(String target, String... headers) {
        return HttpRequest.get(target, Headers.of(headers));
    }

    @Test
    void pathAndQuery() {
        assertThat(get("/chat?room=1&x").path()).isEqualTo("/chat");
        assertThat(get("/chat?room=1&x").query()).isEqualTo("room=1&x");
        assertThat(get("/chat").query()).isEmpty();
        assertThat(get("/").path()).isEqualTo("/");
        assertThat(get("/a%20b?").path()).isEqualTo("/a%20b");
        assertThat(get("http://example.com/p/q?z=1").path()).isEqualTo("/p/q");
        assertThat(get("http://example.com?z=1").path()).isEqualTo("/");
        assertThat(get("http://example.com").path()).isEqualTo("/");
    }

    @Test
    void queryParametersAreDecoded() {
        HttpRequest r = get("/?name=J%C3%BCrgen&tag=a&tag=b+c&flag&&empty=");
        assertThat(r.queryParameters()).containsExactly(
                Map.entry("name", List.of("Jürgen")),
                Map.entry("tag", List.of("a", "b c")),
                Map.entry("flag", List.of("")),
                Map.entry("empty", List.of("")));
        assertThat(r.queryParameter("tag")).isEqualTo("a");
        assertThat(r.queryParameter("missing")).isNull();
        assertThat(get("/").queryParameters()).isEmpty();
        assertThat(get("/?bad=%zz").queryParameter("bad")).isEqualTo("%zz");
    }

    @Test
    void cookies() {
        HttpRequest r = get("/", "Cookie", "sid=abc; theme=\"dark\"; junk; sid=other", "Cookie", "lang=en");
        assertThat(r.cookies()).containsExactly(Map.entry("sid", "abc"), Map.entry("theme", "dark"),
                Map.entry("lang", "en"));
        assertThat(get("/").cookies()).isEmpty();
    }

    @Test
    void requestToBytes() {
        assertThat(new String(get("/x?y", "Host", "h").toBytes(), StandardCharsets.ISO_8859_1))
                .isEqualTo("GET /x?y HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    @Test
    void invalidRequestsAreRefused() {
        assertThatThrownBy(() -> new HttpRequest("G T", "/", "HTTP/1.1", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get("/a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> get("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpRequest("GET", "/", "HTTP/2", Headers.EMPTY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void responseToBytesAddsContentLengthForABody() {
        HttpResponse r = new HttpResponse(200, "OK", Headers.of("Content-Type", "text/html"),
                "<p>hi</p>".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(r.toBytes(), StandardCharsets.UTF_8)).isEqualTo(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>hi</p>");
        assertThat(new String(new HttpResponse(204, Headers.EMPTY).toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
    }

    @Test
    void aResponseInAPoolBufferHasTheSameBytesAndGoesBackToThePool() {
        BufferPool pool = new BufferPool(java.nio.ByteBuffer.allocateDirect(1024));
        for (HttpResponse r : List.of(
                new HttpResponse(101, Headers.of("Upgrade", "websocket", "Connection", "Upgrade")),
                HttpResponse.text(404, "Not Found\n"),
                new HttpResponse(200, "OK", Headers.EMPTY, "x".repeat(10_000).getBytes(StandardCharsets.UTF_8)))) {
            java.nio.ByteBuffer b = r.toBuffer(pool);
            byte[] bytes = new byte[b.remaining()];
            b.duplicate().get(bytes);
            assertThat(bytes).isEqualTo(r.toBytes());
            pool.recycle(b);
            assertThat(pool.outstanding()).isZero();
        }
        java.nio.ByteBuffer first = new HttpResponse(101, Headers.EMPTY).toBuffer(pool);
        pool.recycle(first);
        assertThat(new HttpResponse(101, Headers.EMPTY).toBuffer(pool)).isSameAs(first); // reused, not made again
    }

    @Test
    void explicitContentLengthIsKept() {
        HttpResponse r = new HttpResponse(200, "OK", Headers.of("Content-Length", "2"), new byte[] {'h', 'i'});
        assertThat(new String(r.toBytes(), StandardCharsets.UTF_8))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi");
    }

    @Test
    void responseBodyIsCopied() {
        byte[] body = {1, 2, 3};
        HttpResponse r = new HttpResponse(200, "OK", Headers.EMPTY, body);
        body[0] = 9;
        assertThat(r.body()).containsExactly(1, 2, 3);
        r.body()[1] = 9;
        assertThat(r.body()).containsExactly(1, 2, 3);
        assertThat(r).isEqualTo(new HttpResponse(200, "OK", Headers.EMPTY, new byte[] {1, 2, 3}));
    }

    @Test
    void invalidResponsesAreRefused() {
        assertThatThrownBy(() -> new HttpResponse(99, Headers.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponse(600, Headers.EMPTY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponse(200, "O\r\nK", Headers.EMPTY, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reasonPhrases() {
        assertThat(HttpResponse.reasonPhrase(101)).isEqualTo("Switching Protocols");
        assertThat(HttpResponse.reasonPhrase(426)).isEqualTo("Upgrade Required");
        assertThat(HttpResponse.reasonPhrase(431)).isEqualTo("Request Header Fields Too Large");
        assertThat(HttpResponse.reasonPhrase(299)).isEmpty();
    }
}
