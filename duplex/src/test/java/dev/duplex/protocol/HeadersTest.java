package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeadersTest {

    private final Headers headers = Headers.builder()
            .add("Connection", "keep-alive, Upgrade")
            .add("X-Multi", "a")
            .add("x-multi", " b ,, c ")
            .add("Host", "example.com")
            .build();

    @Test
    void iterationYieldsTheFieldsInOrderReadOnly() {
        Headers h = Headers.of("A", "1", "B", "2");
        java.util.Iterator<Headers.Field> it = h.iterator();
        assertThat(it.next()).isEqualTo(new Headers.Field("A", "1"));
        assertThatThrownBy(it::remove).isInstanceOf(UnsupportedOperationException.class);
        assertThat(it.next()).isEqualTo(new Headers.Field("B", "2"));
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(java.util.NoSuchElementException.class);
        assertThat(Headers.EMPTY.iterator().hasNext()).isFalse();
        assertThat(h).containsExactlyElementsOf(h.fields());
    }

    @Test
    void namesAreCaseInsensitiveAndOrderIsKept() {
        assertThat(headers.first("HOST")).isEqualTo("example.com");
        assertThat(headers.first("x-MULTI")).isEqualTo("a");
        assertThat(headers.all("X-Multi")).containsExactly("a", "b ,, c");
        assertThat(headers.count("x-multi")).isEqualTo(2);
        assertThat(headers.fields()).extracting(Headers.Field::name)
                .containsExactly("Connection", "X-Multi", "x-multi", "Host");
        assertThat(headers.first("Missing")).isNull();
        assertThat(headers.all("Missing")).isEmpty();
        assertThat(headers.contains("connection")).isTrue();
        assertThat(headers.size()).isEqualTo(4);
    }

    @Test
    void tokensSplitCommaListsAcrossFields() {
        assertThat(headers.tokens("x-multi")).containsExactly("a", "b", "c");
        assertThat(headers.tokens("Connection")).containsExactly("keep-alive", "Upgrade");
        assertThat(headers.containsToken("connection", "UPGRADE")).isTrue();
        assertThat(headers.containsToken("connection", "upgrad")).isFalse();
        assertThat(headers.containsToken("Missing", "x")).isFalse();
    }

    @Test
    void containsTokenFindsExactlyTheElementsTokensLists() {
        // containsToken scans the values in place; it must agree with the list tokens() makes.
        Headers h = Headers.builder().add("A", "\t,x ,\t y\t, ,zz,").add("a", "").add("a", "W").build();
        assertThat(h.tokens("a")).containsExactly("x", "y", "zz", "W");
        for (String t : new String[] {"x", "X", "y", "zz", "ZZ", "w"}) {
            assertThat(h.containsToken("a", t)).as(t).isTrue();
        }
        for (String t : new String[] {"", " ", "z", "x ", "zz,", "y\t"}) {
            assertThat(h.containsToken("a", t)).as("[" + t + "]").isFalse();
        }
    }

    @Test
    void allIsEmptyOneOrEveryValueInOrder() {
        assertThat(headers.all("Host")).containsExactly("example.com");
        assertThat(headers.all("x-multi")).containsExactly("a", "b ,, c");
        assertThat(headers.all("nope")).isEmpty();
        assertThatThrownBy(() -> headers.all("Host").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.all("x-multi").add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> headers.fields().add(new Headers.Field("a", "b")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void builderSetRemoveAndCopy() {
        Headers h = headers.toBuilder().set("x-multi", "z").remove("HOST").build();
        assertThat(h.all("X-Multi")).containsExactly("z");
        assertThat(h.contains("Host")).isFalse();
        assertThat(headers.contains("Host")).isTrue();
        assertThat(Headers.builder().build()).isSameAs(Headers.EMPTY);
        assertThat(Headers.of("A", "1")).isEqualTo(Headers.builder().add("A", "1").build());
    }

    @Test
    void valuesAreTrimmedOfSpacesAndTabsOnly() {
        assertThat(Headers.of("A", " \t v \t").first("A")).isEqualTo("v");
    }

    @Test
    void invalidNamesAndValuesAreRefused() {
        assertThatThrownBy(() -> Headers.of("Bad Name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A:", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A", "x\ny")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A", "x\ry")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A", "x\u0000")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A", "\u001fx")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A", "\u20ac")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Headers.of("A")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenRules() {
        assertThat(Headers.isToken("permessage-deflate")).isTrue();
        assertThat(Headers.isToken("!#$%&'*+-.^_`|~09azAZ")).isTrue();
        for (String s : new String[] {"", "a b", "a,b", "a;b", "a\"", "a/b", "a=b", "(a)", "é"}) {
            assertThat(Headers.isToken(s)).as(s).isFalse();
        }
    }
}
