package dev.duplex.bench;

import dev.duplex.protocol.DeflateParameters;
import dev.duplex.protocol.MessageDeflater;
import dev.duplex.protocol.MessageInflater;
import dev.duplex.protocol.ProtocolException;
import dev.duplex.protocol.Role;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * permessage-deflate (RFC 7692 7.2) of one JSON-like text message, each message compressed on its
 * own ({@code no_context_takeover} both ways, so every operation does the same work):
 * Duplex's {@link MessageDeflater} / {@link MessageInflater} against a bare {@code java.util.zip}
 * {@link Deflater} sync flush (the floor: zlib itself).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class DeflateBenchmark {

    @Param({"1024", "65536"})
    public int size;

    private static final DeflateParameters NO_CONTEXT = new DeflateParameters(true, true, 15, 15);

    private byte[] message;
    private byte[] compressed;
    private MessageDeflater deflater;
    private MessageInflater inflater;
    private Deflater zlib;
    private byte[] zlibOut;

    @Setup
    public void setUp() {
        message = BenchData.chatText(size);
        deflater = new MessageDeflater(NO_CONTEXT, Role.SERVER);
        inflater = new MessageInflater(NO_CONTEXT, Role.CLIENT);
        MessageDeflater once = new MessageDeflater(NO_CONTEXT, Role.SERVER);
        compressed = Arrays.copyOf(once.output(), once.compress(message, 0, message.length));
        once.release();
        zlib = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        zlibOut = new byte[size * 2 + 64];
    }

    @TearDown
    public void tearDown() {
        deflater.release();
        inflater.release();
        zlib.end();
    }

    @Benchmark
    public int duplexDeflate() {
        return deflater.compress(message, 0, message.length);
    }

    @Benchmark
    public byte[] duplexInflate() throws ProtocolException {
        return inflater.decompress(compressed, 0, compressed.length, Long.MAX_VALUE);
    }

    @Benchmark
    public int zlibDeflate() {
        zlib.setInput(message);
        int n = zlib.deflate(zlibOut, 0, zlibOut.length, Deflater.SYNC_FLUSH);
        zlib.reset();
        return n;
    }
}
