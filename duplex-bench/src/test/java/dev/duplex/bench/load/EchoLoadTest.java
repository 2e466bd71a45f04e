package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.Limits;
import dev.duplex.server.WebSocketServer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The generator end to end against a real server (Duplex, in process), briefly: it connects,
 * upgrades, checks every echoed byte, and counts. Speed is not asserted here.
 */
class EchoLoadTest {

    @Test
    void echoesSmallAndLargeMessagesAndChecksThem() throws Exception {
        try (WebSocketServer server = WebSocketServer.builder()
                .bindAddress("127.0.0.1").port(0).permessageDeflate(false)
                .limits(Limits.DEFAULTS.withMaxFrameSize(1 << 20).withMaxMessageSize(1 << 20))
                .route("/", ws -> ws.onmessage(ws::send))
                .build().start()) {
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());
            long quarter = TimeUnit.MILLISECONDS.toNanos(250);
            EchoLoad.Result small = EchoLoad.run(address, "/", new EchoLoad.Spec(4, 4, 32, false), false, 0, quarter, 1);
            EchoLoad.Result large = EchoLoad.run(address, "/", new EchoLoad.Spec(2, 1, 200_000, true), false, 0, quarter, 1);
            assertThat(small.messages()).isPositive();
            assertThat(large.messages()).isPositive();
            assertThat(small.latency().getTotalCount()).isEqualTo(small.messages());
        }
    }
}
