package dev.duplex.bench;

import dev.duplex.protocol.Masking;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * RFC 6455 5.3 masking in place: Duplex's eight-bytes-at-a-time {@link Masking} against the
 * textbook byte loop ({@code b[i] ^= key[i % 4]}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class MaskingBenchmark {

    @Param({"125", "65536", "1048576"})
    public int size;

    private static final int KEY = 0x37fa213d;
    private final byte[] keyBytes = {0x37, (byte) 0xfa, 0x21, 0x3d};
    private byte[] data;
    private java.nio.ByteBuffer direct;

    @Setup
    public void setUp() {
        data = BenchData.binary(size);
        direct = java.nio.ByteBuffer.allocateDirect(size).put(data).flip();
    }

    /** In place in a direct buffer, as a streaming server unmasks a part in the loop's read buffer. */
    @Benchmark
    public byte duplexDirectInPlace() {
        Masking.maskInPlace(direct, 0, size, KEY, 0);
        return direct.get(size - 1);
    }

    @Benchmark
    public byte duplex() {
        Masking.mask(data, 0, size, KEY, 0);
        return data[size - 1];
    }

    @Benchmark
    public byte byteLoop() {
        byte[] d = data;
        for (int i = 0; i < d.length; i++) {
            d[i] ^= keyBytes[i & 3];
        }
        return d[size - 1];
    }
}
