package dev.duplex.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * HTTP header fields: immutable, in arrival order, names compared case-insensitively (RFC 9110 5.1).
 * Values are kept as received (ISO-8859-1 decoded, surrounding whitespace trimmed).
 *
 * <pre>{@code
 * Headers h = Headers.builder().add("Connection", "keep-alive, Upgrade").build();
 * h.containsToken("connection", "upgrade");   // true
 * }</pre>
 */
public final class Headers implements Iterable<Headers.Field> {

    /** One header field as it appeared on the wire. */
    public record Field(String name, String value) {
        public Field {
            checkName(name);
            checkValue(value);
        }
    }

    /** No fields. */
    public static final Headers EMPTY = new Headers(new Field[0]);

    private final Field[] fields;
    private List<Field> list;   // fields(), made when first asked for

    private Headers(Field[] fields) {
        this.fields = fields;
    }

    /** Headers holding {@code fields} itself (each field was checked when made); the caller lets go of the array. */
    static Headers ofFields(Field[] fields) {
        return fields.length == 0 ? EMPTY : new Headers(fields);
    }

    /** A builder with no fields. */
    public static Builder builder() {
        return new Builder();
    }

    /** Headers from alternating names and values: {@code of("Host", "a", "Origin", "b")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Builder b = builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    /** The value of the first field called {@code name}, or null when there is none. */
    public String first(String name) {
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                return f.value;
            }
        }
        return null;
    }

    /** The values of every field called {@code name}, in order; empty when there is none. */
    public List<String> all(String name) {
        String one = null;
        List<String> more = null;
        for (Field f : fields) {
            if (!f.name.equalsIgnoreCase(name)) {
                continue;
            }
            if (one == null && more == null) {
                one = f.value;
            } else {
                if (more == null) {
                    more = new ArrayList<>(4);
                    more.add(one);
                }
                more.add(f.value);
            }
        }
        return more != null ? Collections.unmodifiableList(more) : one != null ? List.of(one) : List.of();
    }

    /**
     * The comma-separated list elements of every field called {@code name} (RFC 9110 5.6.1), trimmed,
     * empty elements dropped. Quoted strings are not interpreted: use this for token lists
     * ({@code Connection}, {@code Upgrade}, {@code Sec-WebSocket-Protocol}).
     */
    public List<String> tokens(String name) {
        List<String> out = null;
        for (Field f : fields) {
            if (!f.name.equalsIgnoreCase(name)) {
                continue;
            }
            String v = f.value;
            for (int from = 0; from <= v.length(); ) {
                int comma = v.indexOf(',', from);
                int end = comma < 0 ? v.length() : comma;
                long span = element(v, from, end);
                int a = (int) (span >>> 32);
                int b = (int) span;
                if (a < b) {
                    if (out == null) {
                        out = new ArrayList<>(4);
                    }
                    out.add(a == 0 && b == v.length() ? v : v.substring(a, b));
                }
                from = end + 1;
            }
        }
        return out == null ? List.of() : Collections.unmodifiableList(out);
    }

    /**
     * Whether some list element of the fields called {@code name} equals {@code token}, ignoring case
     * (the elements as {@link #tokens} splits them; nothing is allocated).
     */
    public boolean containsToken(String name, String token) {
        for (Field f : fields) {
            if (!f.name.equalsIgnoreCase(name)) {
                continue;
            }
            String v = f.value;
            for (int from = 0; from <= v.length(); ) {
                int comma = v.indexOf(',', from);
                int end = comma < 0 ? v.length() : comma;
                long span = element(v, from, end);
                int a = (int) (span >>> 32);
                int b = (int) span;
                if (b > a && b - a == token.length() && v.regionMatches(true, a, token, 0, b - a)) {
                    return true;
                }
                from = end + 1;
            }
        }
        return false;
    }

    /** A list element of {@code v[from, end)} without its surrounding whitespace: start << 32 | end. */
    private static long element(String v, int from, int end) {
        int a = from;
        int b = end;
        while (a < b && isOws(v.charAt(a))) {
            a++;
        }
        while (b > a && isOws(v.charAt(b - 1))) {
            b--;
        }
        return ((long) a << 32) | b;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** Whether there is a field called {@code name}. */
    public boolean contains(String name) {
        return first(name) != null;
    }

    /** How many fields called {@code name} there are. */
    public int count(String name) {
        int n = 0;
        for (Field f : fields) {
            if (f.name.equalsIgnoreCase(name)) {
                n++;
            }
        }
        return n;
    }

    /** Number of fields. */
    public int size() {
        return fields.length;
    }

    /** Whether there are no fields. */
    public boolean isEmpty() {
        return fields.length == 0;
    }

    /** All fields in order (unmodifiable). */
    public List<Field> fields() {
        List<Field> l = list;
        if (l == null) {
            l = Collections.unmodifiableList(Arrays.asList(fields));
            list = l;
        }
        return l;
    }

    /**
     * The fields in order, read-only. One small object: the 101 and the server's copy of each upgrade
     * request walk their headers, and a list view with its iterator would be three.
     */
    @Override
    public Iterator<Field> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < fields.length;
            }

            @Override
            public Field next() {
                if (next >= fields.length) {
                    throw new java.util.NoSuchElementException();
                }
                return fields[next++];
            }
        };
    }

    /** The field at {@code index} (in arrival order). */
    Field field(int index) {
        return fields[index];
    }

    /** A builder holding these fields. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.fields.addAll(fields());
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Headers h && Arrays.equals(h.fields, fields);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(fields);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Field f : fields) {
            sb.append(f.name).append(": ").append(f.value).append("\r\n");
        }
        return sb.toString();
    }

    /** Whether {@code s} is an RFC 9110 5.6.2 token (non-empty, tchar only). */
    public static boolean isToken(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isTchar(int c) {
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
            return true;
        }
        return c < 128 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** RFC 9110 5.5: field-vchar, SP and HTAB; obs-text (0x80–0xFF) allowed; no CR, LF, NUL or other CTL. */
    static boolean isFieldValueChar(int c) {
        return c == '\t' || c >= 0x20 && c != 0x7f && c <= 0xff;
    }

    /** Removes optional whitespace (SP, HTAB; RFC 9110 5.6.3) at both ends. */
    static String trimOws(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return s.substring(from, to);
    }

    private static void checkName(String name) {
        if (!isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: " + name);
        }
    }

    private static void checkValue(String value) {
        if (value == null) {
            throw new IllegalArgumentException("header value is null");
        }
        for (int i = 0; i < value.length(); i++) {
            if (!isFieldValueChar(value.charAt(i))) {
                throw new IllegalArgumentException("header value contains a forbidden character (CR, LF, NUL, "
                        + "another control character or a non-Latin-1 character)");
            }
        }
    }

    /** Builds {@link Headers}; names must be tokens, values free of CR, LF and other control characters. */
    public static final class Builder {
        private final List<Field> fields = new ArrayList<>();

        private Builder() {
        }

        /** Appends a field; spaces and tabs around the value are trimmed. */
        public Builder add(String name, String value) {
            fields.add(new Field(name, value == null ? null : trimOws(value)));
            return this;
        }

        /** Replaces every field called {@code name} with one field. */
        public Builder set(String name, String value) {
            remove(name);
            return add(name, value);
        }

        /** Removes every field called {@code name}. */
        public Builder remove(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            fields.removeIf(f -> f.name.toLowerCase(Locale.ROOT).equals(lower));
            return this;
        }

        /** Appends all of {@code headers}. */
        public Builder addAll(Headers headers) {
            fields.addAll(headers.fields());
            return this;
        }

        public Headers build() {
            return fields.isEmpty() ? EMPTY : new Headers(fields.toArray(new Field[0]));
        }
    }
}
