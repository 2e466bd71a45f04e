package dev.duplex.conformance;

import dev.duplex.server.WebSocketServer;

/**
 * The echo server Autobahn's fuzzing client tests: every message comes back unchanged and in kind,
 * permessage-deflate is accepted, limits are {@link ConformanceConfig#LIMITS}. Bound to loopback.
 *
 * <p>{@code java dev.duplex.conformance.AutobahnEchoServer PORT} (the autobahntestsuite-maven-plugin
 * convention: the port is {@code args[0]}).
 */
public final class AutobahnEchoServer {
    private AutobahnEchoServer() {}

    /** Starts the server on {@code 127.0.0.1:port} (0 = any free port, see {@link WebSocketServer#port()}). */
    public static WebSocketServer start(int port) {
        return WebSocketServer.builder()
                .port(port)
                .bindAddress("127.0.0.1")
                .route("/", ws -> ws.onmessage(ws::send))
                .limits(ConformanceConfig.LIMITS)
                .maxBufferedBytes(ConformanceConfig.MAX_BUFFERED_BYTES)
                .permessageDeflate(true)
                .compressionLevel(ConformanceConfig.COMPRESSION_LEVEL)
                .build()
                .start();
    }

    public static void main(String[] args) throws InterruptedException {
        WebSocketServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 9001);
        System.out.println("Autobahn echo target on ws://127.0.0.1:" + server.port() + "/");
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
