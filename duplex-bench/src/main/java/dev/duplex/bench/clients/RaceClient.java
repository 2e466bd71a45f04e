package dev.duplex.bench.clients;

import java.net.URI;

/** One WebSocket client library in the client race: opens connections, each wired to its {@link EchoCheck}. */
interface RaceClient extends AutoCloseable {
    /** Opens one connection (returns once it is open) and gives {@code check} a way to send on it. */
    void connect(URI uri, EchoCheck check) throws Exception;

    /** Closes every connection this client opened (without waiting for the closing handshakes). */
    void closeAll();

    @Override
    default void close() {
        closeAll();
    }

    static RaceClient of(String id) {
        return switch (id) {
            case "duplex" -> new DuplexRaceClient(false);
            case "duplex-loop" -> new DuplexRaceClient(true);
            case "netty" -> new NettyRaceClient();
            case "okhttp" -> new OkHttpRaceClient();
            case "jdk" -> new JdkRaceClient();
            case "java-websocket" -> new JavaWebSocketRaceClient();
            default -> throw new IllegalArgumentException("no client " + id);
        };
    }
}
