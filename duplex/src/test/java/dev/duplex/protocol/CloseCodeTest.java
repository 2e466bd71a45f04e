package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import dev.duplex.testing.CoreRecorder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every close code 0–5000 received in a close frame, by class (RFC 6455 7.4; Autobahn 7.7.x valid,
 * 7.9.x invalid): a valid code is echoed and reported clean, an invalid one fails the connection with
 * 1002. Both roles.
 */
class CloseCodeTest {

    @ParameterizedTest(name = "{0}–{1} valid={2}")
    @CsvSource({
        "0, 999, false",      // below the defined range
        "1000, 1003, true",   // normal, going away, protocol error, unsupported data
        "1004, 1006, false",  // reserved; 1005 and 1006 never on the wire
        "1007, 1014, true",   // invalid payload … bad gateway
        "1015, 1015, false",  // TLS handshake: never on the wire
        "1016, 2999, false",  // reserved for future RFCs / unregistered
        "3000, 4999, true",   // registered (3xxx) and private (4xxx)
        "5000, 5000, false",  // beyond
    })
    void receivedCloseCodes(int from, int to, boolean valid) {
        List<String> wrong = new ArrayList<>();
        for (Role role : Role.values()) {
            for (int code = from; code <= to; code++) {
                String frame = String.format("8802%04x", code);
                Connection c = role == Role.SERVER ? ConnectionTest.SERVER.get() : ConnectionTest.CLIENT.get();
                c.receive(Hex.buffer(role == Role.SERVER ? ConnectionTest.m(frame) : frame));
                List<String> events = CoreRecorder.events(c);
                Frame sent = ConnectionTest.sentFrame(role, CoreRecorder.outbound(c));
                List<String> expected = valid
                        ? List.of("close-received " + code, "closed " + code + " clean")
                        : List.of("closed 1002 unclean INVALID_CLOSE_CODE");
                int sentCode = ConnectionTest.closeCodeOf(sent);
                if (!events.equals(expected) || sentCode != (valid ? code : 1002)
                        || CloseCode.of(code).isValidOnWire() != valid) {
                    wrong.add(role + " " + code + ": " + events + ", sent " + sentCode);
                }
            }
        }
        assertThat(wrong).isEmpty();
    }
}
