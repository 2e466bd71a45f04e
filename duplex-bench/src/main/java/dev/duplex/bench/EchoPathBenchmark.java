package dev.duplex.bench;

import dev.duplex.internal.ProtocolAccess;
import dev.duplex.protocol.BufferPool;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.FrameEncoder;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.Opcode;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.Role;
import java.nio.ByteBuffer;
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
 * The echo hot path of a server connection in the protocol core, without sockets: a client's
 * masked frame in, its message event out, the same message sent back, the outbound buffers taken
 * (what the transport then writes). Run with {@code -prof gc}: {@code gc.alloc.rate.norm} is the
 * allocation per echoed message that issue 7 asks to bring to ~0.
 *
 * <p>{@code text}: a text message (decoded to a {@code String}, re-encoded on send);
 * {@code binary}: a binary message, sent back with {@link ProtocolAccess#sendBinaryWithoutCopy}
 * (header plus the received bytes, no copy past 8 KiB), as {@code ServerWebSocket.send(Message)} does;
 * {@code parts}: a streaming connection ({@code ws.onpart(ws::sendPart)}, what {@code duplex echo}
 * does), set up as the event loop sets up its connections: with the loop's {@link BufferPool}, whose
 * source is the buffer reads go into. The part is a window on the input, unmasked in place (the
 * pool's one view and event objects), sent back with {@link ProtocolAccess#sendPartWithoutCopy}: a
 * 32-byte part is copied into one of the pool's frames, a 64 KiB one goes out as a pool header plus
 * a pool window; each polled buffer is given back to the pool, as the write queue does once it was
 * written. The input is refilled each time, as a socket read would. Issue 7 took {@code parts} from
 * 264 B (32) and 304 B (64 KiB) per message to 0; the end-to-end figure on the loop thread is
 * {@code LoopAllocation}'s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EchoPathBenchmark {
    /** The core's transport hooks, as the transport keeps them (a constant once compiled). */
    private static final ProtocolAccess CORE = ProtocolAccess.get();

    @Param({"32", "65536"})
    public int size;

    private static final Limits LIMITS = Limits.DEFAULTS.withMaxFrameSize(4 << 20).withMaxMessageSize(4 << 20);

    private ByteBuffer textFrame;
    private ByteBuffer binaryFrame;
    private Connection server;
    private Connection streaming;
    private byte[] binaryBytes;
    private ByteBuffer partsFrame;
    private BufferPool pool;

    @Setup
    public void setUp() {
        FrameEncoder client = new FrameEncoder(Role.CLIENT, MaskSource.fixed(0x37fa213d));
        byte[] text = BenchData.ascii(size);
        textFrame = copy(client.encode(true, 0, Opcode.TEXT, text, 0, size));
        binaryFrame = copy(client.encode(true, 0, Opcode.BINARY, BenchData.binary(size), 0, size));
        server = new Connection(Role.SERVER, LIMITS, MaskSource.fixed(0), null);
        partsFrame = copy(binaryFrame.duplicate());
        pool = new BufferPool(partsFrame);
        streaming = new Connection(Role.SERVER, Connection.Settings.of(LIMITS, MaskSource.fixed(0), null).withCompression(0, -1).withPool(pool));
        streaming.streamMessages(true);
        binaryBytes = new byte[partsFrame.remaining()];
        partsFrame.get(0, binaryBytes);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer d = ByteBuffer.allocateDirect(b.remaining()); // the loop reads into a direct buffer
        return d.put(b).flip();
    }

    @TearDown
    public void tearDown() {
        server.release();
        streaming.release();
    }

    @Benchmark
    public void parts(Blackhole bh) {
        partsFrame.clear();
        partsFrame.put(0, binaryBytes).limit(binaryBytes.length); // what the socket read puts there
        streaming.receive(partsFrame);
        ProtocolEvent.MessagePart p = (ProtocolEvent.MessagePart) streaming.pollEvent();
        CORE.sendPartWithoutCopy(streaming, p.text(), p.data(), p.last());
        for (ByteBuffer b; (b = streaming.pollOutbound()) != null; ) {
            bh.consume(b.remaining());
            pool.recycle(b); // written
        }
    }

    @Benchmark
    public void text(Blackhole bh) {
        server.receive(textFrame.clear());
        ProtocolEvent.TextMessage m = (ProtocolEvent.TextMessage) server.pollEvent();
        server.sendText(m.text());
        drain(bh);
    }

    @Benchmark
    public void binary(Blackhole bh) {
        server.receive(binaryFrame.clear());
        ProtocolEvent.BinaryMessage m = (ProtocolEvent.BinaryMessage) server.pollEvent();
        CORE.sendBinaryWithoutCopy(server, m.data());
        drain(bh);
    }

    private void drain(Blackhole bh) {
        drain(server, bh);
    }

    private static void drain(Connection c, Blackhole bh) {
        for (ByteBuffer b; (b = c.pollOutbound()) != null; ) {
            bh.consume(b.remaining());
        }
    }
}
