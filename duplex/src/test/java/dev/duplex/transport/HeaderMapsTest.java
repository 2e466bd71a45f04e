package dev.duplex.transport;

import dev.duplex.protocol.Headers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderMapsTest {

    private final Headers headers = Headers.of("Upgrade", "websocket", "Set-Cookie", "a=1", "set-cookie", "b=2");

    @Test
    void theLazyMapIsTheEagerOneOnceRead() {
        Map<String, List<String>> lazy = HeaderMaps.lazy(headers);
        Map<String, List<String>> eager = HeaderMaps.toMap(headers);
        assertThat(lazy).isEqualTo(eager).hasSize(2);
        assertThat(lazy.get("set-cookie")).containsExactly("a=1", "b=2");
        assertThat(lazy.containsKey("upgrade")).isTrue();
        assertThat(lazy.get("Upgrade")).isNull();   // names are lower case
        assertThat(lazy.keySet()).containsExactly("upgrade", "set-cookie");
        assertThatThrownBy(() -> lazy.put("x", List.of())).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> lazy.entrySet().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void openInfoKeepsTheLazyMapAndCopiesAnyOther() {
        Map<String, List<String>> lazy = HeaderMaps.lazy(headers);
        assertThat(new OpenInfo("", "", 101, lazy).headers()).isSameAs(lazy);
        java.util.HashMap<String, List<String>> mutable = new java.util.HashMap<>(Map.of("a", List.of("1")));
        OpenInfo info = new OpenInfo("", "", 101, mutable);
        mutable.clear();
        assertThat(info.headers()).containsEntry("a", List.of("1"));
    }
}
