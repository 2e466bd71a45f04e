package dev.duplex.bench;

import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.PreparedMessage;
import dev.duplex.protocol.Role;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
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
 *   <li>{@code netty}: what a {@code ChannelGroup.writeAndFlush} does: a retained duplicate of the
 *       frame through each channel's {@link WebSocket08FrameEncoder} ({@link EmbeddedChannel}s).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class BroadcastBenchmark {

    private static final int MEMBERS = 1000;

    @Param({"32", "1024"})
    public int size;

    private ByteBuffer payload;
    private Connection[] connections;
    private EmbeddedChannel[] channels;
    private ByteBuf nettyPayload;

    @Setup
    public void setUp() {
        payload = ByteBuffer.wrap(BenchData.binary(size));
        connections = new Connection[MEMBERS];
        channels = new EmbeddedChannel[MEMBERS];
        for (int i = 0; i < MEMBERS; i++) {
            connections[i] = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), null);
            channels[i] = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        }
        nettyPayload = Unpooled.wrappedBuffer(BenchData.binary(size));
    }

    @TearDown
    public void tearDown() {
        for (int i = 0; i < MEMBERS; i++) {
            connections[i].release();
            channels[i].finishAndReleaseAll();
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
    public void netty(Blackhole bh) {
        BinaryWebSocketFrame frame = new BinaryWebSocketFrame(nettyPayload.retainedDuplicate());
        for (EmbeddedChannel ch : channels) {
            ch.writeOutbound(frame.retainedDuplicate());
            Object out;
            while ((out = ch.readOutbound()) != null) {
                bh.consume(out);
                ReferenceCountUtil.release(out);
            }
        }
        frame.release();
    }
}
