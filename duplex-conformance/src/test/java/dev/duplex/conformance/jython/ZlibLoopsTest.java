package dev.duplex.conformance.jython;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Random;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.python.core.PyException;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.util.PythonInterpreter;

/**
 * {@link ZlibLoops} against the loops it replaces: Jython 2.7.2's own {@code zlib} module, run in
 * an interpreter, must give the same bytes whether its 1 KiB Python loops or the Java ones drain
 * the deflater and inflater.
 */
class ZlibLoopsTest {
    private static PythonInterpreter python;

    @BeforeAll
    static void startJython() {
        Properties props = new Properties();
        props.setProperty("python.cachedir.skip", "true");
        props.setProperty("python.import.site", "false");
        PythonInterpreter.initialize(System.getProperties(), props, new String[0]);
        python = new PythonInterpreter();
        python.exec(String.join("\n",
                "import zlib",
                "from java.util.zip import DataFormatException, Deflater",
                "from dev.duplex.conformance.jython import ZlibLoops",
                "jython_deflate, jython_inflate = zlib._get_deflate_data, zlib._get_inflate_data",
                "def java_deflate(deflater, mode=zlib.Z_NO_FLUSH):",
                "    return ZlibLoops.deflate(deflater, zlib._zlib_to_deflater.get(mode, Deflater.NO_FLUSH))",
                "def java_inflate(inflater, max_length=0):",
                "    try:",
                "        return ZlibLoops.inflate(inflater, max_length)",
                "    except DataFormatException, e:",
                "        raise zlib.error(str(e))",
                "def use(java):",
                "    zlib._get_deflate_data = java_deflate if java else jython_deflate",
                "    zlib._get_inflate_data = java_inflate if java else jython_inflate",
                // what autobahn.compress_deflate does per message, context kept across messages
                "def deflate_messages(messages, level, wbits):",
                "    c = zlib.compressobj(level, zlib.DEFLATED, wbits)",
                "    return [c.compress(m) + c.flush(zlib.Z_SYNC_FLUSH) for m in messages]",
                "def inflate_messages(frames, wbits, max_length=0):",
                "    d = zlib.decompressobj(wbits)",
                "    out = []",
                "    for f in frames:",
                "        out.append(d.decompress(f, max_length))",
                "        while d.unconsumed_tail:",
                "            out.append(d.decompress(d.unconsumed_tail, max_length))",
                "    return out"));
    }

    @AfterAll
    static void stopJython() {
        python.close();
    }

    private static PyString bytes(byte[] b) {
        return ByteStrings.str(b, b.length);
    }

    /** Text that compresses well, random bytes that do not, and a mix, 0 to 70 KiB. */
    private static byte[][] messages(long seed) {
        Random random = new Random(seed);
        byte[] text = "{\"id\": 6455, \"name\": \"permessage-deflate\", \"rfc\": 7692}\n".repeat(4000)
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[][] m = new byte[6][];
        for (int i = 0; i < m.length; i++) {
            int n = switch (i) {
                case 0 -> 0;
                case 4 -> 66_000 + random.nextInt(4_000);
                default -> 1 + random.nextInt(9_000);
            };
            m[i] = new byte[n];
            if (i % 3 == 0) {
                random.nextBytes(m[i]);
            } else {
                int from = random.nextInt(text.length / 2);
                for (int k = 0; k < n; k++) {
                    m[i][k] = text[(from + k) % text.length];
                }
                if (i % 3 == 2) {
                    for (int k = 0; k < n; k += 97) {
                        m[i][k] = (byte) random.nextInt(256);
                    }
                }
            }
        }
        return m;
    }

    private static PyObject call(String function, Object... args) {
        PyObject[] a = new PyObject[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i] instanceof PyObject p ? p : org.python.core.Py.java2py(args[i]);
        }
        return python.get(function).__call__(a);
    }

    private static PyObject list(byte[][] messages) {
        org.python.core.PyList l = new org.python.core.PyList();
        for (byte[] m : messages) {
            l.append(bytes(m));
        }
        return l;
    }

    private static PyObject with(boolean java, String function, Object... args) {
        python.get("use").__call__(org.python.core.Py.newBoolean(java));
        return call(function, args);
    }

    /** Two Python lists of byte strings are equal; on failure says where, without printing them. */
    private static void assertSameStrings(PyObject expected, PyObject actual, String what) {
        assertEquals(expected.__len__(), actual.__len__(), what + ": number of strings");
        for (int i = 0; i < expected.__len__(); i++) {
            String e = ((PyString) expected.__getitem__(i)).getString();
            String a = ((PyString) actual.__getitem__(i)).getString();
            int at = 0;
            while (at < Math.min(e.length(), a.length()) && e.charAt(at) == a.charAt(at)) {
                at++;
            }
            if (at < e.length() || at < a.length()) {
                org.junit.jupiter.api.Assertions.fail(what + ": string " + i + " differs at byte " + at
                        + " (lengths " + e.length() + " and " + a.length() + ")");
            }
        }
    }

    @Test
    void deflatesTheSameBytesAsJythonsLoop() {
        int[][] levelAndWbits = {{1, -15}, {9, -15}, {6, 15}};
        for (int[] lw : levelAndWbits) {
            PyObject messages = list(messages(lw[0] * 31L + lw[1]));
            PyObject jython = with(false, "deflate_messages", messages, lw[0], lw[1]);
            PyObject java = with(true, "deflate_messages", messages, lw[0], lw[1]);
            assertSameStrings(jython, java, "level " + lw[0] + ", wbits " + lw[1]);
        }
    }

    @Test
    void inflatesTheSameBytesAsJythonsLoopWithAndWithoutMaxLength() {
        PyObject messages = list(messages(7692));
        PyObject frames = with(false, "deflate_messages", messages, 1, -15);
        for (int maxLength : new int[] {0, 1000, 1024, 1025, 65_536, 300_000}) {
            PyObject jython = with(false, "inflate_messages", frames, -15, maxLength);
            PyObject java = with(true, "inflate_messages", frames, -15, maxLength);
            assertSameStrings(jython, java, "max_length " + maxLength);
        }
        // and the messages come back
        assertSameStrings(messages, with(true, "inflate_messages", frames, -15, 0), "round trip");
    }

    @Test
    void corruptInputRaisesZlibErrorAsJythonDoes() {
        PyObject garbage = bytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x00});
        PyObject frames = new org.python.core.PyList(new PyObject[] {garbage});
        PyException jython = assertThrows(PyException.class, () -> with(false, "inflate_messages", frames, -15, 0));
        PyException java = assertThrows(PyException.class, () -> with(true, "inflate_messages", frames, -15, 0));
        assertEquals(python.eval("zlib.error"), jython.type);
        assertEquals(jython.type, java.type);
        assertEquals(jython.value.toString(), java.value.toString());
    }

    @Test
    void drainsPastTheFirstBufferAndStopsAtMaxLength() throws DataFormatException {
        byte[] data = new byte[300_000];
        new Random(1).nextBytes(data);
        Deflater d = new Deflater(1, true);
        d.setInput(data);
        String deflated = ZlibLoops.deflate(d, Deflater.SYNC_FLUSH).getString();
        Inflater inf = new Inflater(true);
        inf.setInput(deflated.getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(100_000, ZlibLoops.inflate(inf, 100_000).getString().length());
        assertEquals(200_000, ZlibLoops.inflate(inf, 0).getString().length());
    }
}
