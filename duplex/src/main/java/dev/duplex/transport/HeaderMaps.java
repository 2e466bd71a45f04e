package dev.duplex.transport;

import dev.duplex.protocol.Headers;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Converts parsed {@link Headers} to the lower-case map the transport API exposes. */
final class HeaderMaps {

    private HeaderMaps() {}

    /**
     * {@link #toMap} made when first read: a server's handshake answers with an {@link OpenInfo} that
     * its listener rarely looks at.
     */
    static Map<String, List<String>> lazy(Headers headers) {
        return new Lazy(headers);
    }

    /** An unmodifiable map of {@code headers}, built on first use (from any thread: it is made whole, then published). */
    static final class Lazy extends AbstractMap<String, List<String>> {
        private final Headers headers;
        private volatile Map<String, List<String>> map;

        private Lazy(Headers headers) {
            this.headers = headers;
        }

        private Map<String, List<String>> map() {
            Map<String, List<String>> m = map;
            if (m == null) {
                m = toMap(headers);
                map = m;
            }
            return m;
        }

        @Override
        public Set<Entry<String, List<String>>> entrySet() {
            return map().entrySet();
        }

        @Override
        public List<String> get(Object key) {
            return map().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return map().containsKey(key);
        }

        @Override
        public int size() {
            return map().size();
        }
    }

    static Map<String, List<String>> toMap(Headers headers) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (Headers.Field f : headers) {
            m.computeIfAbsent(f.name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.value());
        }
        m.replaceAll((k, v) -> List.copyOf(v));
        return Collections.unmodifiableMap(m);
    }
}
