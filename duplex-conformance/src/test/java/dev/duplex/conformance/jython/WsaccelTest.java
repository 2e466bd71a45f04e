package dev.duplex.conformance.jython;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyTuple;

/** The Java halves of the wsaccel stand-in the Autobahn fuzzer uses under Jython. */
class WsaccelTest {

    private static PyString bytes(int... b) {
        char[] c = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            c[i] = (char) (b[i] & 0xFF);
        }
        return new PyString(new String(c));
    }

    private static PyString bytes(byte[] b) {
        int[] i = new int[b.length];
        for (int k = 0; k < b.length; k++) {
            i[k] = b[k];
        }
        return bytes(i);
    }

    private static List<Object> tuple(PyTuple t) {
        // (valid, endsOnCodePoint, currentIndex, totalIndex) as (Boolean, Boolean, Integer, Long)
        PyObject[] a = t.getArray();
        return List.of(a[0].__nonzero__(), a[1].__nonzero__(), a[2].asInt(), a[3].asLong());
    }

    @Test
    void maskingContinuesAtTheKeyPositionAcrossCalls() {
        // RFC 6455 5.3: octet i is XORed with key octet i mod 4.
        XorMasker m = new XorMasker(bytes(0x37, 0xfa, 0x21, 0x3d));
        PyString first = m.process(bytes('H', 'e', 'l'));
        PyString rest = m.process(bytes('l', 'o'));
        assertEquals(bytes(0x7f, 0x9f, 0x4d, 0x51, 0x58).getString(), first.getString() + rest.getString());
        assertEquals(5, m.pointer());
        m.reset();
        assertEquals(bytes(0x7f).getString(), m.process(bytes('H')).getString());
    }

    @Test
    void validatorReportsTheFailingOctetAcrossChunks() {
        Utf8Validator v = new Utf8Validator();
        // "κό" split inside the second code point: valid, not on a code-point boundary
        assertEquals(List.of(true, false, 3, 3L), tuple(v.validate(bytes(0xce, 0xba, 0xe1))));
        assertEquals(List.of(true, true, 2, 5L), tuple(v.validate(bytes(0xbd, 0xb9))));
        // ED A0 80 is a UTF-16 surrogate: the A0 is the first octet that cannot be valid
        assertEquals(List.of(false, false, 2, 7L), tuple(v.validate(bytes(0x41, 0xed, 0xa0, 0x80))));
        // rejected stays rejected
        assertEquals(List.of(false, false, 0, 7L), tuple(v.validate(bytes(0x41))));
        v.reset();
        assertEquals(List.of(false, false, 0, 0L), tuple(v.validate(bytes(0xc0, 0x80)))); // overlong lead
        v.reset();
        assertEquals(List.of(false, false, 1, 1L), tuple(v.validate(bytes(0xf4, 0x90, 0x80, 0x80)))); // > U+10FFFF
        v.reset();
        assertEquals(List.of(false, false, 1, 1L), tuple(v.validate(bytes(0xe0, 0x80, 0x80)))); // overlong 3-byte
        v.reset();
        assertEquals(List.of(false, false, 0, 0L), tuple(v.validate(bytes(0xf5)))); // never a lead
        v.reset();
        assertEquals(List.of(true, true, 4, 4L), tuple(v.validate(bytes(0xf0, 0x9f, 0x98, 0x80)))); // U+1F600
    }

    @Test
    void validatorAgreesWithTheJdkDecoderOnRandomInput() {
        Random random = new Random(6455);
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[random.nextInt(8)];
            for (int i = 0; i < b.length; i++) {
                // mostly lead and continuation bytes, where the rules are
                b[i] = (byte) (random.nextBoolean() ? 0x80 + random.nextInt(0x80) : random.nextInt(256));
            }
            Utf8Validator v = new Utf8Validator();
            List<Object> r = tuple(v.validate(bytes(b)));
            boolean complete = (Boolean) r.get(0) && (Boolean) r.get(1);
            assertEquals(jdkAccepts(b), complete, () -> java.util.HexFormat.of().formatHex(b));
        }
    }

    private static boolean jdkAccepts(byte[] b) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
