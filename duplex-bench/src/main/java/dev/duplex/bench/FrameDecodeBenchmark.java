package dev.duplex.bench;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.FrameDecoder;
import dev.duplex.protocol.FrameEncoder;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.Opcode;
import dev.duplex.protocol.ProtocolException;
import dev.duplex.protocol.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
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
 * Decoding one binary frame (RFC 6455 5.2), masked (client to server) or not (server to client):
 * <ul>
 *   <li>{@code duplexFrame}: {@link FrameDecoder}'s header + unmasking copy into a reused array, what
 *       {@link Connection} does before assembling a message;</li>
 *   <li>{@code duplexConnection}: the whole receive path, bytes to a {@code BinaryMessage} event;</li>
 *   <li>{@code nettyCodec}: {@link WebSocket08FrameDecoder#decode} called directly (see {@link NettyCodecs});
 *       Netty unmasks in place and hands out a retained slice, so no copy;</li>
 *   <li>{@code nettyPipeline}: the same decoder in an {@link EmbeddedChannel} (cumulation and a
 *       pipeline pass; EmbeddedChannel's own bookkeeping is part of the figure).</li>
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
public class FrameDecodeBenchmark {

    @Param({"0", "125", "126", "65536", "1048576"})
    public int size;

    @Param({"true", "false"})
    public boolean masked;

    private static final Limits LIMITS = Limits.DEFAULTS.withMaxFrameSize(4 << 20).withMaxMessageSize(4 << 20);

    private ByteBuffer frame;
    private byte[] dst;
    private FrameDecoder decoder;
    private Connection connection;
    private EmbeddedChannel netty;
    private ByteBuf nettyFrame;
    private NettyCodecs.Decoder nettyDecoder;
    private final List<Object> nettyOut = new ArrayList<>();

    @Setup
    public void setUp() {
        // The sender's role decides masking: clients mask.
        Role sender = masked ? Role.CLIENT : Role.SERVER;
        Role receiver = sender.peer();
        byte[] payload = BenchData.binary(size);
        ByteBuffer encoded = new FrameEncoder(sender, MaskSource.fixed(0x37fa213d))
                .encode(true, 0, Opcode.BINARY, payload, 0, size);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        frame = ByteBuffer.wrap(bytes);
        dst = new byte[Math.max(size, 1)];
        decoder = new FrameDecoder(receiver, LIMITS, false);
        connection = new Connection(receiver, LIMITS, MaskSource.fixed(0), null);
        netty = new EmbeddedChannel(new WebSocket08FrameDecoder(masked, false, 4 << 20));
        nettyFrame = Unpooled.wrappedBuffer(bytes.clone());
        nettyDecoder = new NettyCodecs.Decoder(masked, 4 << 20);
    }

    @TearDown
    public void tearDown() {
        connection.release();
        netty.finishAndReleaseAll();
        nettyFrame.release();
    }

    @Benchmark
    public long duplexFrame() throws ProtocolException {
        ByteBuffer in = frame.clear();
        decoder.readHeader(in);
        int n = decoder.readPayload(in, dst, 0, size);
        decoder.endFrame();
        return n + dst[0];
    }

    @Benchmark
    public Object duplexConnection() {
        connection.receive(frame.clear());
        return connection.pollEvent();
    }

    @Benchmark
    @Warmup(iterations = 15, time = 1)   // Netty's deeper call graph takes ~12 s of JIT to settle here
    public void nettyCodec(Blackhole bh) throws Exception {
        nettyDecoder.decodeDirect(nettyFrame.duplicate(), nettyOut);
        WebSocketFrame f = (WebSocketFrame) nettyOut.get(0);
        nettyOut.clear();
        bh.consume(f.content().readableBytes());
        f.release();
    }

    @Benchmark
    @Warmup(iterations = 15, time = 1)   // Netty's deeper call graph takes ~12 s of JIT to settle here
    public void nettyPipeline(Blackhole bh) {
        netty.writeInbound(nettyFrame.retainedDuplicate());
        WebSocketFrame f = netty.readInbound();
        bh.consume(f.content().readableBytes());
        f.release();
    }
}
