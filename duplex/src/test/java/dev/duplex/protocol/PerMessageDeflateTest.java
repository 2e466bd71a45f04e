package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.protocol.PerMessageDeflate.Agreement;
import dev.duplex.protocol.PerMessageDeflate.Extension;
import dev.duplex.protocol.PerMessageDeflate.Options;
import dev.duplex.protocol.PerMessageDeflate.Param;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PerMessageDeflateTest {

    private static List<Extension> parse(String... values) {
        return PerMessageDeflate.parseExtensions(List.of(values));
    }

    @Nested
    class Grammar {

        @Test
        void parsesNamesParamsAndValues() {
            assertThat(parse("permessage-deflate; client_max_window_bits; server_max_window_bits=10, foo"))
                    .containsExactly(
                            new Extension("permessage-deflate", List.of(
                                    new Param("client_max_window_bits", null),
                                    new Param("server_max_window_bits", "10"))),
                            new Extension("foo", List.of()));
        }

        @Test
        void acrossSeveralFieldsWithWhitespaceAndEmptyElements() {
            assertThat(parse("a ;\tx = 1 , ,", "b")).containsExactly(
                    new Extension("a", List.of(new Param("x", "1"))), new Extension("b", List.of()));
            assertThat(parse("")).isEmpty();
        }

        @Test
        void quotedValuesAreUnquoted() {
            assertThat(parse("permessage-deflate; client_max_window_bits=\"10\"").get(0).params())
                    .containsExactly(new Param("client_max_window_bits", "10"));
            assertThat(parse("a; x=\"\\1\\0\"").get(0).params()).containsExactly(new Param("x", "10"));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                ";x",                      // no extension name
                "a;",                      // parameter name missing
                "a; =1",                   // parameter name missing
                "a; x=",                   // value missing
                "a; x=\"1",                // unterminated quote
                "a; x=\"a b\"",            // quoted value not a token (RFC 6455 9.1)
                "a; x=\"\"",               // empty quoted value
                "a b",                     // garbage after the name
                "a; x=1 2",
                "a(b)",
        })
        void malformedHeadersAreRejected(String value) {
            assertThatThrownBy(() -> parse(value)).isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void extensionToString() {
            assertThat(parse("a;x;y=1").get(0)).hasToString("a; x; y=1");
        }
    }

    /** Server: RFC 7692 7.1, and which offers Duplex declines. */
    @Nested
    class Server {

        private Agreement negotiate(String header) {
            return PerMessageDeflate.negotiate(parse(header), Options.DEFAULT);
        }

        private void assertAgreement(String offer, String response, DeflateParameters params) {
            Agreement a = negotiate(offer);
            assertThat(a).as(offer).isNotNull();
            assertThat(a.responseHeader()).as(offer).isEqualTo(response);
            assertThat(a.parameters()).as(offer).isEqualTo(params);
        }

        @Test
        void plainOffer() {
            assertAgreement("permessage-deflate", "permessage-deflate", DeflateParameters.DEFAULT);
        }

        @Test
        void serverNoContextTakeoverIsHonoured() {
            assertAgreement("permessage-deflate; server_no_context_takeover",
                    "permessage-deflate; server_no_context_takeover", new DeflateParameters(true, false, 15, 15));
        }

        @Test
        void clientNoContextTakeoverIsEchoed() {
            assertAgreement("permessage-deflate; client_no_context_takeover",
                    "permessage-deflate; client_no_context_takeover", new DeflateParameters(false, true, 15, 15));
        }

        @Test
        void serverMaxWindowBits15IsAcceptedAndEchoed() {
            assertAgreement("permessage-deflate; server_max_window_bits=15",
                    "permessage-deflate; server_max_window_bits=15", DeflateParameters.DEFAULT);
        }

        @ParameterizedTest
        @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14})
        void serverMaxWindowBitsBelow15IsDeclined(int bits) {
            // java.util.zip cannot compress with a window smaller than 15 bits.
            assertThat(negotiate("permessage-deflate; server_max_window_bits=" + bits)).isNull();
        }

        @ParameterizedTest
        @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14, 15})
        void anyClientWindowIsAccepted(int bits) {
            assertAgreement("permessage-deflate; client_max_window_bits=" + bits,
                    "permessage-deflate; client_max_window_bits=" + bits, new DeflateParameters(false, false, 15, bits));
        }

        @Test
        void clientMaxWindowBitsWithoutValueNeedsNoAnswer() {
            assertAgreement("permessage-deflate; client_max_window_bits", "permessage-deflate",
                    DeflateParameters.DEFAULT);
        }

        @Test
        void everyParameterTogether() {
            assertAgreement("permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                            + "server_max_window_bits=15; client_max_window_bits=9",
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                            + "server_max_window_bits=15; client_max_window_bits=9",
                    new DeflateParameters(true, true, 15, 9));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "permessage-deflate; server_max_window_bits",            // value required
                "permessage-deflate; server_max_window_bits=16",
                "permessage-deflate; server_max_window_bits=7",
                "permessage-deflate; server_max_window_bits=015",        // leading zero
                "permessage-deflate; server_max_window_bits=abc",
                "permessage-deflate; client_max_window_bits=16",
                "permessage-deflate; client_max_window_bits=7",
                "permessage-deflate; client_max_window_bits=0",
                "permessage-deflate; client_max_window_bits=-1",
                "permessage-deflate; server_no_context_takeover=1",      // takes no value
                "permessage-deflate; client_no_context_takeover=true",
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",   // duplicates
                "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
                "permessage-deflate; server_max_window_bits=15; server_max_window_bits=15",
                "permessage-deflate; client_max_window_bits; client_max_window_bits=10",
                "permessage-deflate; unknown_param",
                "permessage-deflate; x=1",
        })
        void invalidOffersAreDeclined(String offer) {
            assertThat(negotiate(offer)).isNull();
        }

        @Test
        void firstAcceptableOfferWins() {
            assertAgreement("permessage-deflate; server_max_window_bits=10, "
                            + "permessage-deflate; client_max_window_bits=12, permessage-deflate",
                    "permessage-deflate; client_max_window_bits=12", new DeflateParameters(false, false, 15, 12));
            assertAgreement("permessage-deflate; bogus, permessage-deflate; server_no_context_takeover",
                    "permessage-deflate; server_no_context_takeover", new DeflateParameters(true, false, 15, 15));
        }

        @Test
        void offersAcrossHeaderFields() {
            Agreement a = PerMessageDeflate.negotiate(
                    parse("permessage-deflate; server_max_window_bits=8", "permessage-deflate"), Options.DEFAULT);
            assertThat(a.responseHeader()).isEqualTo("permessage-deflate");
        }

        @Test
        void noAcceptableOfferMeansNoExtension() {
            assertThat(negotiate("permessage-deflate; server_max_window_bits=8, "
                    + "permessage-deflate; server_max_window_bits=12")).isNull();
            assertThat(negotiate("x-webkit-deflate-frame, foo")).isNull();
            assertThat(PerMessageDeflate.negotiate(List.of(), Options.DEFAULT)).isNull();
        }

        @Test
        void otherExtensionsAreSkipped() {
            assertThat(negotiate("foo; a=1, permessage-deflate").responseHeader()).isEqualTo("permessage-deflate");
        }

        @Test
        void disabledNeverNegotiates() {
            assertThat(PerMessageDeflate.negotiate(parse("permessage-deflate"), Options.DISABLED)).isNull();
        }

        @Test
        void serverOptionsAddNoContextTakeover() {
            Agreement a = PerMessageDeflate.negotiate(parse("permessage-deflate; client_max_window_bits"),
                    new Options(true, true, true));
            assertThat(a.responseHeader())
                    .isEqualTo("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
            assertThat(a.parameters()).isEqualTo(new DeflateParameters(true, true, 15, 15));
        }

        @Test
        void theResponseIsAcceptedByOurClient() throws Exception {
            for (String offer : List.of("permessage-deflate", PerMessageDeflate.CLIENT_OFFER,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                            + "server_max_window_bits=15; client_max_window_bits=15")) {
                Agreement a = PerMessageDeflate.negotiate(parse(offer), new Options(true, true, true));
                assertThat(PerMessageDeflate.accept(parse(a.responseHeader()))).isEqualTo(a.parameters());
            }
        }
    }

    /** Client: RFC 7692 7.1 response checks. */
    @Nested
    class Client {

        private DeflateParameters accept(String response) throws HandshakeException {
            return PerMessageDeflate.accept(parse(response));
        }

        private String failure(String response) {
            try {
                accept(response);
            } catch (HandshakeException e) {
                assertThat(e.status()).isEqualTo(HandshakeException.CLIENT_FAILURE);
                return e.getMessage();
            }
            throw new AssertionError("response unexpectedly accepted: " + response);
        }

        @Test
        void noExtensionInTheResponse() throws Exception {
            assertThat(PerMessageDeflate.accept(List.of())).isNull();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "permessage-deflate                                          | false | false | 15 | 15",
                "permessage-deflate; server_no_context_takeover              | true  | false | 15 | 15",
                "permessage-deflate; client_no_context_takeover              | false | true  | 15 | 15",
                "permessage-deflate; server_max_window_bits=8                | false | false |  8 | 15",
                "permessage-deflate; server_max_window_bits=12               | false | false | 12 | 15",
                "permessage-deflate; server_max_window_bits=\"10\"           | false | false | 10 | 15",
                "permessage-deflate; client_max_window_bits=15               | false | false | 15 | 15",
                "PerMessage-Deflate; Server_No_Context_Takeover              | true  | false | 15 | 15",
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=15 | true | true | 9 | 15",
        })
        void acceptableResponses(String response, boolean snct, boolean cnct, int sbits, int cbits) throws Exception {
            assertThat(accept(response)).isEqualTo(new DeflateParameters(snct, cnct, sbits, cbits));
        }

        @ParameterizedTest
        @ValueSource(ints = {8, 9, 10, 11, 12, 13, 14})
        void smallerClientWindowIsHonoured(int bits) throws Exception {
            assertThat(accept("permessage-deflate; client_max_window_bits=" + bits))
                    .isEqualTo(new DeflateParameters(false, false, 15, bits));
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "permessage-deflate; client_max_window_bits",          // a response must carry a value
                "permessage-deflate; client_max_window_bits=16",
                "permessage-deflate; server_max_window_bits",
                "permessage-deflate; server_max_window_bits=7",
                "permessage-deflate; server_max_window_bits=16",
                "permessage-deflate; server_max_window_bits=09",
                "permessage-deflate; server_no_context_takeover=1",
                "permessage-deflate; client_no_context_takeover=x",
        })
        void invalidValuesFail(String response) {
            assertThat(failure(response)).containsIgnoringCase("invalid").doesNotContain("15-bit");
        }

        @Test
        void invalidNoContextTakeoverValueFailsWithAClearMessage() {
            assertThat(failure("permessage-deflate; server_no_context_takeover=1")).contains("takes no value");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
                "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
                "permessage-deflate; client_max_window_bits=15; client_max_window_bits=15",
        })
        void duplicateParametersFail(String response) {
            assertThat(failure(response)).contains("Duplicate");
        }

        @Test
        void unknownParameterFails() {
            assertThat(failure("permessage-deflate; foo")).contains("Unknown");
        }

        @Test
        void unofferedOrRepeatedExtensionFails() {
            assertThat(failure("foo")).contains("not offered");
            assertThat(failure("permessage-deflate, permessage-deflate")).contains("more than one");
            assertThat(failure("permessage-deflate, foo")).contains("more than one");
        }
    }
}
