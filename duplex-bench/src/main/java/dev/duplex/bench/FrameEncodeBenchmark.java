package dev.duplex.bench;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.FrameEncoder;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.Opcode;
import dev.duplex.protocol.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Encoding one binary frame, masked (as a client) or not (as a server):
 * <ul>
 *   <li>{@code duplexFrame}: {@link FrameEncoder} writes header + (masked) payload into one new buffer;</li>
 *   <li>{@code duplexConnection}: {@link Connection#sendBinary} then {@code pollOutbound()};</li>
 *   <li>{@code nettyCodec}: {@link WebSocket08FrameEncoder#encode} called directly (see {@link NettyCodecs}),
 *       output released; unmasked payloads over 1 KiB are passed on as a retained slice (no copy);</li>
 *   <li>{@code nettyPipeline}: the same encoder in an {@link EmbeddedChannel}.</li>
 * </ul>
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
public class FrameEncodeBenchmark {

    @Param({"0", "125", "126", "65536", "1048576"})
    public int size;

    @Param({"true", "false"})
    public boolean masked;

    private byte[] payload;
    private ByteBuffer payloadBuffer;
    private FrameEncoder encoder;
    private Connection connection;
    private EmbeddedChannel netty;
    private ByteBuf nettyPayload;
    private NettyCodecs.Encoder nettyEncoder;
    private final List<Object> nettyOut = new ArrayList<>();

    @Setup
    public void setUp() {
        Role role = masked ? Role.CLIENT : Role.SERVER;
        payload = BenchData.binary(size);
        payloadBuffer = ByteBuffer.wrap(payload);
        encoder = new FrameEncoder(role, MaskSource.fixed(0x37fa213d));
        Limits limits = Limits.DEFAULTS.withMaxFrameSize(4 << 20).withMaxMessageSize(4 << 20);
        connection = new Connection(role, limits, MaskSource.fixed(0x37fa213d), null);
        netty = new EmbeddedChannel(new WebSocket08FrameEncoder(masked));
        nettyPayload = Unpooled.wrappedBuffer(payload.clone());
        nettyEncoder = new NettyCodecs.Encoder(masked);
    }

    @TearDown
    public void tearDown() {
        connection.release();
        netty.finishAndReleaseAll();
        nettyPayload.release();
    }

    @Benchmark
    public ByteBuffer duplexFrame() {
        return encoder.encode(true, 0, Opcode.BINARY, payload, 0, size);
    }

    @Benchmark
    public void duplexConnection(Blackhole bh) {
        connection.sendBinary(payloadBuffer);
        ByteBuffer b;
        while ((b = connection.pollOutbound()) != null) {
            bh.consume(b);
        }
    }

    @Benchmark
    @Warmup(iterations = 15, time = 1)   // Netty's deeper call graph takes ~12 s of JIT to settle here
    public void nettyCodec(Blackhole bh) throws Exception {
        BinaryWebSocketFrame frame = new BinaryWebSocketFrame(nettyPayload.retainedDuplicate());
        nettyEncoder.encodeDirect(frame, nettyOut);
        frame.release();
        for (int i = 0; i < nettyOut.size(); i++) {
            Object out = nettyOut.get(i);
            bh.consume(out);
            ReferenceCountUtil.release(out);
        }
        nettyOut.clear();
    }

    @Benchmark
    @Warmup(iterations = 15, time = 1)   // Netty's deeper call graph takes ~12 s of JIT to settle here
    public void nettyPipeline(Blackhole bh) {
        netty.writeOutbound(new BinaryWebSocketFrame(nettyPayload.retainedDuplicate()));
        Object out;
        while ((out = netty.readOutbound()) != null) {
            bh.consume(out);
            ReferenceCountUtil.release(out);
        }
    }
}
