package dev.duplex.conformance.jython;

import java.nio.charset.StandardCharsets;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PyUnicode;

/** Python 2 byte strings as Java strings of chars 0..255. */
final class ByteStrings {
    private ByteStrings() {}

    static String of(PyObject value) {
        if (value instanceof PyString s && !(value instanceof PyUnicode)) {
            return s.getString();
        }
        // bytearray, buffer: str() gives their bytes
        PyObject str = value.__str__();
        if (str instanceof PyUnicode) {
            throw new IllegalArgumentException("expected a byte string, got " + value.getType().getName());
        }
        return ((PyString) str).getString();
    }

    /** A Python byte string of {@code b[0..n)}. */
    static PyString str(byte[] b, int n) {
        return new PyString(new String(b, 0, n, StandardCharsets.ISO_8859_1));
    }
}
