package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The constructor's URL steps (WHATWG WebSockets §dom-websocket-websocket 1-5) and the URL Standard's serialiser. */
class WebSocketUrlTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            // scheme mapping (the 2023 change): http -> ws, https -> wss
            "http://example.com/         | ws://example.com/",
            "https://example.com/        | wss://example.com/",
            "HTTP://example.com/         | ws://example.com/",
            "Ws://example.com            | ws://example.com/",
            // default port dropped, also after the http mapping
            "ws://example.com:80/        | ws://example.com/",
            "wss://example.com:443/      | wss://example.com/",
            "http://example.com:80/      | ws://example.com/",
            "https://example.com:443/x   | wss://example.com/x",
            "ws://example.com:443/       | ws://example.com:443/",
            "wss://example.com:80/       | wss://example.com:80/",
            "ws://example.com:0080/      | ws://example.com/",
            "ws://example.com:/          | ws://example.com/",
            "ws://example.com:8080       | ws://example.com:8080/",
            // host lower-cased, percent-decoded; empty path becomes /
            "ws://EXAMPLE.Com            | ws://example.com/",
            "ws://ex%41mple.com/         | ws://example.com/",
            "ws://example.com?q=1        | ws://example.com/?q=1",
            "ws://example.com/?          | ws://example.com/?",
            // backslashes and missing/extra slashes, as for every special URL
            "ws:\\\\example.com\\a\\b    | ws://example.com/a/b",
            "ws:example.com/a            | ws://example.com/a",
            "ws:///example.com/a         | ws://example.com/a",
            // dot segments, including percent-encoded ones
            "ws://h/a/b/../c             | ws://h/a/c",
            "ws://h/a/./b/.              | ws://h/a/b/",
            "ws://h/a/%2e%2E/b           | ws://h/b",
            "ws://h/../../x              | ws://h/x",
            "ws://h/a/..                 | ws://h/",
            // percent-encoding in path and query
            "ws://h/a b                  | ws://h/a%20b",
            "ws://h/é                    | ws://h/%C3%A9",
            "ws://h/{x}^`                | ws://h/%7Bx%7D%5E%60",
            "ws://h/?a b'\"<>            | ws://h/?a%20b%27%22%3C%3E",
            "ws://h/?é                   | ws://h/?%C3%A9",
            "ws://h/%zz                  | ws://h/%zz",
            // userinfo
            "ws://user:pa ss@h/          | ws://user:pa%20ss@h/",
            "ws://a@b@h/                 | ws://a%40b@h/",
            "ws://user:@h/               | ws://user@h/",
            // IPv4 in its legacy forms
            "ws://127.0.0.1/             | ws://127.0.0.1/",
            "ws://0x7f.1/                | ws://127.0.0.1/",
            "ws://2130706433/            | ws://127.0.0.1/",
            "ws://0177.0.0.1/            | ws://127.0.0.1/",
            "ws://127.1./                | ws://127.0.0.1/",
            // IPv6, compressed and lower-cased
            "ws://[::1]:8080/            | ws://[::1]:8080/",
            "ws://[0:0:0:0:0:0:0:1]/     | ws://[::1]/",
            "ws://[2001:DB8::0:1]/       | ws://[2001:db8::1]/",
            "ws://[1:0:0:2:0:0:0:3]/     | ws://[1:0:0:2::3]/",
            "ws://[::ffff:192.168.0.1]/  | ws://[::ffff:c0a8:1]/",
            // IDNA
            "ws://bücher.example/        | ws://xn--bcher-kva.example/",
            // surrounding spaces and controls stripped; tabs and newlines removed anywhere
            "'  ws://h/a  '              | ws://h/a",
            "'ws://h/\ta\nb'             | ws://h/ab",
    })
    void serialisesAsTheUrlStandard(String input, String expected) {
        assertThat(WebSocketUrl.parse(input.replace("\\t", "\t").replace("\\n", "\n")).serialise())
                .isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ws://foo bar.com/",        // Create-url-with-space
            "wss://foo bar.com/",
            "ws://",                    // no host
            "ws:///",
            "ws://user@/",
            "ws://h:65536/",            // port out of range
            "ws://h:8o/",
            "ws://[::1/",               // bad IPv6
            "ws://[1:2:3:4:5:6:7:8:9]/",
            "ws://[::1::]/",
            "ws://256.0.0.1/",          // bad IPv4
            "ws://1.2.3.4.5/",
            "ws://0x100000000/",
            "ws://exa<mple.com/",       // forbidden domain code point
            "ws://exa%3Cmple.com/",     // ... also after percent-decoding
            "ws://ex%ffample.com/",     // not UTF-8
            "test",                     // relative, no base: Create-non-absolute-url
            "?test",
            "#test",                    // Create-invalid-urls
            "/path",
            "",
    })
    void unparsableUrlIsSyntaxError(String input) {
        assertThatThrownBy(() -> WebSocketUrl.parse(input))
                .isInstanceOfSatisfying(DomException.class, e -> assertThat(e.name()).isEqualTo("SyntaxError"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://example.com/", "mailto:a@example.com", "about:blank", "file:///tmp/x",
            "data:,x", "javascript:alert(1)", "wsx://example.com/", "blob:ws://h/x"})
    void otherSchemeIsSyntaxError(String input) {
        assertThatThrownBy(() -> WebSocketUrl.parse(input))
                .isInstanceOfSatisfying(DomException.class, e -> {
                    assertThat(e.name()).isEqualTo("SyntaxError");
                    assertThat(e.getMessage()).contains("scheme");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://h/#", "ws://h/#x", "ws://h/?q#x", "ws://h#", "wss://h/path#frag",
            "http://h/#"})
    void anyFragmentEvenEmptyIsSyntaxError(String input) {
        assertThatThrownBy(() -> WebSocketUrl.parse(input))
                .isInstanceOfSatisfying(DomException.class, e -> {
                    assertThat(e.name()).isEqualTo("SyntaxError");
                    assertThat(e.getMessage()).contains("fragment");
                });
    }

    @ParameterizedTest(name = "{0} against {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "test          | http://h/dir/page | ws://h/dir/test",
            "?q            | https://h/a/b?x   | wss://h/a/b?q",
            "/x            | http://h:81/a     | ws://h:81/x",
            "//other/y     | https://h/a       | wss://other/y",
            "../z          | ws://h/a/b/c      | ws://h/a/z",
            "''            | http://h/a?b      | ws://h/a?b",
            "ws:rel        | ws://h/a/b        | ws://h/a/rel",
            "wss://abs/    | http://h/         | wss://abs/",
    })
    void relativeUrlsResolveAgainstTheBase(String input, String base, String expected) {
        assertThat(WebSocketUrl.parse(input, base).serialise()).isEqualTo(expected);
    }

    @Test
    void fragmentOnlyAgainstABaseIsStillSyntaxError() {
        assertThatThrownBy(() -> WebSocketUrl.parse("#test", "http://h/"))
                .isInstanceOfSatisfying(DomException.class, e -> assertThat(e.name()).isEqualTo("SyntaxError"));
    }

    @Test
    void partsForTheHandshake() {
        WebSocketUrl u = WebSocketUrl.parse("wss://User:pw@Example.COM:8443/chat/room?id=1&x");
        assertThat(u.secure()).isTrue();
        assertThat(u.connectHost()).isEqualTo("example.com");
        assertThat(u.effectivePort()).isEqualTo(8443);
        assertThat(u.resourceName()).isEqualTo("/chat/room?id=1&x");
        assertThat(u.hostHeader()).isEqualTo("example.com:8443");
        assertThat(u.origin()).isEqualTo("wss://example.com:8443");
        assertThat(u.username()).isEqualTo("User");
        assertThat(u.password()).isEqualTo("pw");

        WebSocketUrl v6 = WebSocketUrl.parse("ws://[::1]/");
        assertThat(v6.connectHost()).isEqualTo("::1");
        assertThat(v6.effectivePort()).isEqualTo(80);
        assertThat(v6.hostHeader()).isEqualTo("[::1]");
        assertThat(v6.resourceName()).isEqualTo("/");
    }

    @Test
    void loneSurrogatesInTheUrlBecomeReplacementCharacters() {
        assertThat(WebSocketUrl.parse("ws://h/\uD800").path()).isEqualTo("/%EF%BF%BD");
    }
}
