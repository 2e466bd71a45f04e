package dev.duplex.bench;

import dev.duplex.protocol.Utf8Validator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
 * Validating a text message as UTF-8 (RFC 6455 8.1): Duplex's incremental {@link Utf8Validator}
 * against the JDK's strict {@link CharsetDecoder} (decoding into a reused {@link CharBuffer}, the
 * JDK's only way to validate) and Netty's {@code ByteBufUtil.isText(buf, UTF_8)}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 3, time = 1)
// Netty at its best, as its own microbench runs it: no leak-detection sampling, and benchmark
// threads that are FastThreadLocalThreads (allocator caches as on an event loop).
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "--enable-native-access=ALL-UNNAMED",
        "-Djmh.executor=CUSTOM", "-Djmh.executor.class=dev.duplex.bench.NettyThreadsExecutor"})
public class Utf8ValidationBenchmark {

    @Param({"ascii", "multibyte"})
    public String text;

    @Param({"128", "65536"})
    public int size;

    private byte[] bytes;
    private ByteBuffer buffer;
    private final Utf8Validator validator = new Utf8Validator();
    private CharsetDecoder jdk;
    private CharBuffer chars;
    private ByteBuf nettyBuf;

    @Setup
    public void setUp() {
        bytes = text.equals("ascii") ? BenchData.ascii(size) : BenchData.multibyte(size);
        buffer = ByteBuffer.wrap(bytes);
        jdk = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        chars = CharBuffer.allocate(bytes.length);
        nettyBuf = Unpooled.wrappedBuffer(bytes);
        if (!Utf8Validator.isValid(bytes, 0, bytes.length)) {
            throw new IllegalStateException("benchmark text is not valid UTF-8");
        }
    }

    @Benchmark
    public boolean duplex() {
        validator.reset();
        return validator.validate(bytes, 0, bytes.length) < 0 && validator.isComplete();
    }

    @Benchmark
    public boolean jdkDecoder() {
        jdk.reset();
        CoderResult r = jdk.decode(buffer.clear(), chars.clear(), true);
        return !r.isError() && !jdk.flush(chars).isError();
    }

    @Benchmark
    @Warmup(iterations = 15, time = 1)   // Netty's deeper call graph takes ~12 s of JIT to settle here
    public boolean netty() {
        return ByteBufUtil.isText(nettyBuf, StandardCharsets.UTF_8);
    }
}
