package dev.duplex.redis;

/**
 * A position in a {@link StreamLog}: Redis's stream id form {@code MILLIS-SEQ} (both unsigned
 * 64-bit decimals), ordered by millis, then seq. The in-memory log makes ids of the same form.
 */
public record StreamId(long millis, long seq) implements Comparable<StreamId> {

    /** Before every entry: {@code 0-0}. */
    public static final StreamId ZERO = new StreamId(0, 0);

    /** The id in {@code text}, or null when it is not of the form {@code MILLIS-SEQ}. */
    public static StreamId parse(String text) {
        if (text == null || text.length() > 41) {
            return null;
        }
        int dash = text.indexOf('-');
        if (dash < 1 || dash == text.length() - 1) {
            return null;
        }
        try {
            return new StreamId(Long.parseUnsignedLong(text, 0, dash, 10),
                    Long.parseUnsignedLong(text, dash + 1, text.length(), 10));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(millis, o.millis);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    public boolean isAfter(StreamId o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(seq);
    }
}
