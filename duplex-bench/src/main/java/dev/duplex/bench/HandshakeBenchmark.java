package dev.duplex.bench;

import dev.duplex.protocol.HandshakeException;
import dev.duplex.protocol.HttpHeadParser;
import dev.duplex.protocol.HttpRequest;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.PerMessageDeflate;
import dev.duplex.protocol.ServerHandshake;
import java.nio.ByteBuffer;
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
 * The server's opening handshake in the protocol core, without sockets (issue 21): {@code parse}
 * reads an upgrade request head with a new {@link HttpHeadParser} (as each accepted connection gets
 * one); {@code upgrade} is the whole path a server takes per handshake: parse, check it is an
 * upgrade, {@link ServerHandshake#validate}, {@link ServerHandshake#accept} (the accept hash) and the
 * 101's bytes. Run with {@code -prof gc} for the allocation per handshake ({@code gc.alloc.rate.norm}).
 *
 * <p>{@code minimal}: the five fields the load generator sends; {@code browser}: what Chrome sends
 * (user agent, origin, caches, languages, a permessage-deflate offer; deflate enabled).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandshakeBenchmark {

    @Param({"minimal", "browser"})
    public String request;

    private static final Limits LIMITS = Limits.DEFAULTS;

    private ByteBuffer bytes;
    private PerMessageDeflate.Options deflate;

    @Setup
    public void setUp() {
        String head = request.equals("minimal")
                ? "GET / HTTP/1.1\r\n"
                        + "Host: 127.0.0.1:8080\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "\r\n"
                : "GET /chat?room=lobby HTTP/1.1\r\n"
                        + "Host: example.com\r\n"
                        + "Connection: Upgrade\r\n"
                        + "Pragma: no-cache\r\n"
                        + "Cache-Control: no-cache\r\n"
                        + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                        + "Chrome/131.0.0.0 Safari/537.36\r\n"
                        + "Upgrade: websocket\r\n"
                        + "Origin: https://example.com\r\n"
                        + "Sec-WebSocket-Version: 13\r\n"
                        + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
                        + "Accept-Language: en-GB,en-US;q=0.9,en;q=0.8\r\n"
                        + "Cookie: session=4f1c2a9e8b7d6c5e; theme=dark\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                        + "\r\n";
        bytes = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
        deflate = request.equals("minimal") ? PerMessageDeflate.Options.DISABLED : PerMessageDeflate.Options.DEFAULT;
    }

    @Benchmark
    public HttpRequest parse() throws HandshakeException {
        return HttpHeadParser.requests(LIMITS).parse(bytes.duplicate());
    }

    @Benchmark
    public byte[] upgrade() throws HandshakeException {
        HttpRequest req = HttpHeadParser.requests(LIMITS).parse(bytes.duplicate());
        if (!ServerHandshake.isUpgradeRequest(req)) {
            throw new AssertionError("not an upgrade");
        }
        ServerHandshake hs = ServerHandshake.validate(req, deflate);
        return hs.accept().response().toBytes();
    }
}
