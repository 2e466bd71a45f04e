package dev.duplex.bench;

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
 * {@code binary}: a binary message, sent back with {@link Connection#sendBinaryWithoutCopy}
 * (header plus the received bytes, no copy past 8 KiB), as {@code ServerWebSocket.send(Message)} does;
 * {@code parts}: a streaming connection ({@code ws.onpart(ws::sendPart)}, what {@code duplex echo}
 * does): the part is a view of the input, unmasked in place, sent back with
 * {@link Connection#sendPartWithoutCopy}. The input is refilled each time, as a socket read would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EchoPathBenchmark {

    @Param({"32", "65536"})
    public int size;

    private static final Limits LIMITS = Limits.DEFAULTS.withMaxFrameSize(4 << 20).withMaxMessageSize(4 << 20);

    private ByteBuffer textFrame;
    private ByteBuffer binaryFrame;
    private Connection server;
    private Connection streaming;
    private byte[] binaryBytes;
    private ByteBuffer partsFrame;

    @Setup
    public void setUp() {
        FrameEncoder client = new FrameEncoder(Role.CLIENT, MaskSource.fixed(0x37fa213d));
        byte[] text = BenchData.ascii(size);
        textFrame = copy(client.encode(true, 0, Opcode.TEXT, text, 0, size));
        binaryFrame = copy(client.encode(true, 0, Opcode.BINARY, BenchData.binary(size), 0, size));
        server = new Connection(Role.SERVER, LIMITS, MaskSource.fixed(0), null);
        streaming = new Connection(Role.SERVER, LIMITS, MaskSource.fixed(0), null);
        streaming.streamMessages(true);
        partsFrame = copy(binaryFrame.duplicate());
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
        streaming.sendPartWithoutCopy(p.text(), p.data(), p.last());
        drain(streaming, bh);
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
        server.sendBinaryWithoutCopy(m.data());
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
