package dev.duplex.bench;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.PreparedMessage;
import dev.duplex.protocol.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
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
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One message to 1,000 server connections (the chat room). Figures are per delivery.
 * <ul>
 *   <li>{@code duplexPrepared}: encode once ({@link PreparedMessage}), {@code sendPrepared} enqueues a
 *       read-only duplicate per connection;</li>
 *   <li>{@code duplexPerConnection}: {@code sendBinary} on each connection (encoded 1,000 times);</li>
 *   <li>{@code netty}: what a {@code ChannelGroup.writeAndFlush} does to the bytes: a retained
 *       duplicate of the frame through a {@link WebSocket08FrameEncoder} per member, called directly
 *       (see {@link NettyCodecs}; the per-channel pipeline and flush cost is left out, which flatters Netty).</li>
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
public class BroadcastBenchmark {

    private static final int MEMBERS = 1000;

    @Param({"32", "1024"})
    public int size;

    private ByteBuffer payload;
    private Connection[] connections;
    private NettyCodecs.Encoder[] encoders;
    private final List<Object> nettyOut = new ArrayList<>();
    private ByteBuf nettyPayload;

    @Setup
    public void setUp() {
        payload = ByteBuffer.wrap(BenchData.binary(size));
        connections = new Connection[MEMBERS];
        encoders = new NettyCodecs.Encoder[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            connections[i] = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), null);
            encoders[i] = new NettyCodecs.Encoder(false);
        }
        nettyPayload = Unpooled.wrappedBuffer(BenchData.binary(size));
    }

    @TearDown
    public void tearDown() {
        for (int i = 0; i < MEMBERS; i++) {
            connections[i].release();
        }
        nettyPayload.release();
    }

    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void duplexPrepared(Blackhole bh) {
        PreparedMessage message = PreparedMessage.binary(payload);
        for (Connection c : connections) {
            c.sendPrepared(message);
            bh.consume(c.pollOutbound());
        }
    }

    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    public void duplexPerConnection(Blackhole bh) {
        for (Connection c : connections) {
            c.sendBinary(payload);
            bh.consume(c.pollOutbound());
        }
    }

    @Benchmark
    @OperationsPerInvocation(MEMBERS)
    @Warmup(iterations = 15, time = 1)   // Netty's deeper call graph takes ~12 s of JIT to settle here
    public void netty(Blackhole bh) throws Exception {
        BinaryWebSocketFrame frame = new BinaryWebSocketFrame(nettyPayload.retainedDuplicate());
        for (NettyCodecs.Encoder encoder : encoders) {
            BinaryWebSocketFrame copy = frame.retainedDuplicate();
            encoder.encodeDirect(copy, nettyOut);
            copy.release();
            for (int i = 0; i < nettyOut.size(); i++) {
                Object out = nettyOut.get(i);
                bh.consume(out);
                ReferenceCountUtil.release(out);
            }
            nettyOut.clear();
        }
        frame.release();
    }
}
