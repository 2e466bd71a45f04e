package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.CoreRecorder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Feeds the same bytes to fresh connections whole, in two pieces at every split point, and one byte
 * at a time (TCP may split the bytes anywhere, so the parser's result must not depend on where), and
 * checks that every run ends with the same events, the same outbound bytes and the same state.
 */
final class Feed {

    /** What a connection did with some input. */
    record Outcome(List<String> events, String outbound, State state) {}

    private Feed() {}

    static Outcome whole(Supplier<Connection> factory, byte[] input) {
        Connection c = factory.get();
        c.receive(ByteBuffer.wrap(input));
        return outcome(c);
    }

    /** Runs every split; returns the (common) outcome. Use only for inputs up to a few KiB. */
    static Outcome everySplit(Supplier<Connection> factory, byte[] input) {
        Outcome expected = whole(factory, input);
        for (int split = 0; split <= input.length; split++) {
            Connection c = factory.get();
            c.receive(ByteBuffer.wrap(input, 0, split));
            c.receive(ByteBuffer.wrap(input, split, input.length - split));
            assertThat(outcome(c)).as("split at %d", split).isEqualTo(expected);
        }
        Connection c = factory.get();
        List<String> early = new ArrayList<>();
        for (int i = 0; i < input.length; i++) {
            // A read-only direct-like view: exercise the non-array path too.
            c.receive(ByteBuffer.wrap(input, i, 1).asReadOnlyBuffer());
        }
        assertThat(outcome(c)).as("one byte at a time").isEqualTo(expected);
        Connection d = factory.get();
        ByteBuffer direct = ByteBuffer.allocateDirect(input.length).put(input).flip();
        d.receive(direct);
        assertThat(outcome(d)).as("direct buffer").isEqualTo(expected);
        assertThat(direct.hasRemaining()).isFalse();
        return expected;
    }

    static Outcome outcome(Connection c) {
        return new Outcome(CoreRecorder.events(c), CoreRecorder.outbound(c), c.state());
    }
}
