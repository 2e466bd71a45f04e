package dev.duplex.bench;

import dev.duplex.MessageEvent;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketOptions;
import dev.duplex.WebSocketStream;
import dev.duplex.WebSocketStreamOptions;
import dev.duplex.WebSocketStreamReader;
import dev.duplex.server.OriginPolicy;
import dev.duplex.server.WebSocketServer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Semaphore;
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
 * Receiving the same workload two ways over loopback: the classic {@link WebSocket}'s {@code onmessage}
 * listener (on the socket's virtual thread) and a {@link WebSocketStream} reader (a blocking
 * {@code read()} per message, the read buffer at its default). Each operation asks an in-process Duplex
 * server for a burst of 256 binary messages of {@code size} bytes and takes them all; the score is
 * messages per millisecond. Both clients are connected to the same server for the whole trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StreamReadBenchmark {

    private static final int BURST = 256;

    @Param({"32", "16384"})
    public int size;

    private WebSocketServer server;
    private WebSocket classic;
    private final Semaphore classicReceived = new Semaphore(0);
    private volatile Object lastClassic;
    private WebSocketStream stream;
    private WebSocketStreamReader reader;
    private dev.duplex.WebSocketStreamWriter writer;

    @Setup
    public void start() throws Exception {
        server = WebSocketServer.builder().port(0).bindAddress("127.0.0.1").originPolicy(OriginPolicy.any())
                .route("/burst", ws -> ws.onmessage(m -> {
                    ByteBuffer payload = ByteBuffer.allocate(size);
                    for (int i = 0; i < BURST; i++) {
                        ws.send(payload);
                    }
                }))
                .build().start();
        String url = "ws://127.0.0.1:" + server.port() + "/burst";
        WebSocketOptions plain = WebSocketOptions.builder().perMessageDeflate(false).build();
        classic = new WebSocket(url, plain, s -> {
            s.setBinaryType("arraybuffer");
            s.setOnmessage((MessageEvent e) -> {
                lastClassic = e.data();
                classicReceived.release();
            });
        });
        if (!classic.awaitOpen(Duration.ofSeconds(10))) {
            throw new IllegalStateException("classic client did not open");
        }
        stream = new WebSocketStream(url, WebSocketStreamOptions.builder().perMessageDeflate(false).build());
        var open = stream.opened().get(10, TimeUnit.SECONDS);
        reader = open.reader();
        writer = open.writer();
    }

    @TearDown
    public void stop() throws Exception {
        classic.close();
        stream.close();
        classic.awaitClose(Duration.ofSeconds(5));
        stream.closed().get(5, TimeUnit.SECONDS);
        server.close();
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void classicListener(Blackhole bh) throws Exception {
        classic.send("go");
        classicReceived.acquire(BURST);
        bh.consume(lastClassic);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public void streamReader(Blackhole bh) throws Exception {
        writer.write("go");
        for (int i = 0; i < BURST; i++) {
            bh.consume(reader.read());
        }
    }
}
