package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link Violation}, provoked end to end through a {@link Connection} (fed every way, see
 * {@link Feed}): the connection sends a close frame with the violation's code and reports
 * {@code Closed(code, wasClean=false)} with the violation as its cause. The table must cover the enum.
 */
class ViolationTest {

    record Case(Supplier<Connection> connection, Role role, String hex) {}

    static final Limits SMALL = Limits.DEFAULTS.withMaxFrameSize(4).withMaxMessageSize(6).withMaxFragments(2);
    static final Map<Violation, Case> CASES = new EnumMap<>(Violation.class);

    static {
        Supplier<Connection> client = ConnectionTest.CLIENT;
        Supplier<Connection> deflateClient = () -> DeflateTest.client(DeflateParameters.DEFAULT);
        Supplier<Connection> smallServer = () -> ConnectionTest.server(SMALL);
        Supplier<Connection> smallDeflate = () -> new Connection(Role.CLIENT,
                Limits.DEFAULTS.withMaxMessageSize(6), MaskSource.fixed(0),
                DeflateParameters.DEFAULT);
        add(Violation.UNMASKED_CLIENT_FRAME, ConnectionTest.SERVER, Role.SERVER, "810161");
        add(Violation.MASKED_SERVER_FRAME, client, Role.CLIENT, "81810000000061");
        add(Violation.RESERVED_OPCODE, client, Role.CLIENT, "8700");
        add(Violation.RESERVED_BITS, client, Role.CLIENT, "c10161");
        add(Violation.LENGTH_TOP_BIT_SET, client, Role.CLIENT, "827fffffffffffffffff");
        add(Violation.NON_MINIMAL_LENGTH, client, Role.CLIENT, "827e0001" + "00");
        add(Violation.CONTROL_FRAME_TOO_LONG, client, Role.CLIENT, "8a7e0080" + "00".repeat(128));
        add(Violation.FRAGMENTED_CONTROL_FRAME, client, Role.CLIENT, "0a00");
        add(Violation.UNEXPECTED_CONTINUATION, client, Role.CLIENT, "800161");
        add(Violation.EXPECTED_CONTINUATION, client, Role.CLIENT, "020161 020162");
        add(Violation.CLOSE_PAYLOAD_ONE_BYTE, client, Role.CLIENT, "880103");
        add(Violation.INVALID_CLOSE_CODE, client, Role.CLIENT, "880203ec"); // 1004
        add(Violation.INVALID_CLOSE_REASON, client, Role.CLIENT, "880303e8ff");
        add(Violation.INVALID_UTF8, client, Role.CLIENT, "8101ff");
        add(Violation.RSV1_ON_CONTROL_FRAME, deflateClient, Role.CLIENT, "c900");
        add(Violation.RSV1_ON_CONTINUATION, deflateClient, Role.CLIENT, "020161 c00162");
        add(Violation.INVALID_COMPRESSED_DATA, deflateClient, Role.CLIENT, "c201ff");
        add(Violation.FRAME_TOO_BIG, smallServer, Role.SERVER, ConnectionTest.m("82050102030405"));
        add(Violation.MESSAGE_TOO_BIG, smallServer, Role.SERVER, ConnectionTest.m("020401020304 800405060708"));
        add(Violation.DECOMPRESSED_TOO_BIG, smallDeflate, Role.CLIENT, "c206626000030000"); // 7 zero bytes, deflated
        add(Violation.TOO_MANY_FRAGMENTS, smallServer, Role.SERVER, ConnectionTest.m("020161 000162 800163"));
    }

    static void add(Violation v, Supplier<Connection> c, Role role, String hex) {
        CASES.put(v, new Case(c, role, hex));
    }

    @Test
    void everyViolationHasACase() {
        assertThat(CASES.keySet()).containsExactlyInAnyOrder(Violation.values());
    }

    @ParameterizedTest
    @EnumSource(Violation.class)
    void failsWithItsCode(Violation v) {
        Case c = CASES.get(v);
        Feed.Outcome o = Feed.everySplit(c.connection(), Hex.bytes(c.hex()));
        assertThat(o.events()).last().isEqualTo("closed " + v.closeCode() + " unclean " + v);
        assertThat(ConnectionTest.closeCodeOf(ConnectionTest.sentFrame(c.role(), o.outbound())))
                .isEqualTo(v.closeCode().code());
        assertThat(v.message().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(123);
    }
}
