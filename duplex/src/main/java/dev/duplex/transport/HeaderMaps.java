package dev.duplex.transport;

import dev.duplex.protocol.Headers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Converts parsed {@link Headers} to the lower-case map the transport API exposes. */
final class HeaderMaps {

    private HeaderMaps() {}

    static Map<String, List<String>> toMap(Headers headers) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Headers.Field f : headers) {
            m.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.value());
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(m);
    }
}
