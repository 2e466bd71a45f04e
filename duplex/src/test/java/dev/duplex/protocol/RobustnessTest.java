package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Peer mistakes never throw out of {@code receive}. A valid conversation is corrupted one byte at a
 * time, each byte replaced by several fixed values (no randomness), and fed to a fresh connection:
 * nothing may throw, {@code Closed} comes at most once and last, and everything the connection sends
 * decodes as well-formed frames from its role.
 */
class RobustnessTest {

    // text "Hello" in two fragments with a ping between them, binary 010203, compressed "Hello" where
    // allowed, then a close 1000.
    private static final String CONVERSATION = "010348656c 890170 80026c6f 8203010203";
    private static final String COMPRESSED = "c107f248cdc9c90700";
    private static final String CLOSE = "880203e8";
    private static final int[] REPLACEMENTS = {0x00, 0x01, 0x7e, 0x7f, 0x80, 0x81, 0xc0, 0xff};

    @ParameterizedTest(name = "{0} deflate={1}")
    @CsvSource({"CLIENT, false", "CLIENT, true", "SERVER, false", "SERVER, true"})
    void everySingleByteCorruption(Role role, boolean deflate) {
        String plain = CONVERSATION + (deflate ? " " + COMPRESSED : "") + " " + CLOSE;
        byte[] valid = Hex.bytes(role == Role.SERVER ? ConnectionTest.m(plain) : plain);
        DeflateParameters p = deflate ? DeflateParameters.DEFAULT : null;
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < valid.length; i++) {
            for (int r : REPLACEMENTS) {
                byte[] in = valid.clone();
                in[i] = (byte) r;
                Connection c = new Connection(role, Limits.DEFAULTS, MaskSource.fixed(0x01020304), p);
                try {
                    c.receive(ByteBuffer.wrap(in));
                    c.receiveEof();
                } catch (RuntimeException e) {
                    problems.add(i + "=" + r + " threw " + e);
                    continue;
                }
                String problem = check(c, role);
                if (problem != null) {
                    problems.add(i + "=" + r + ": " + problem);
                }
                c.release();
            }
        }
        assertThat(problems).isEmpty();
    }

    /** Null when the connection behaved; else what went wrong. */
    private static String check(Connection c, Role role) {
        int closed = 0;
        boolean last = false;
        for (ProtocolEvent e; (e = c.pollEvent()) != null; ) {
            last = e instanceof ProtocolEvent.Closed;
            if (last) {
                closed++;
            }
            if (e instanceof ProtocolEvent.Closed x && x.cause() instanceof ProtocolException pe
                    && !pe.closeCode().equals(x.code())) {
                return "code mismatch " + x;
            }
        }
        if (closed != 1 || !last) {
            return "Closed reported " + closed + " times, last=" + last;
        }
        FrameDecoder d = new FrameDecoder(role.peer(), Limits.DEFAULTS, true);
        for (ByteBuffer b; (b = c.pollOutbound()) != null; ) {
            try {
                while (b.hasRemaining()) {
                    d.decode(b);
                }
            } catch (ProtocolException e) {
                return "sent a malformed frame: " + e.violation();
            }
        }
        return null;
    }
}
