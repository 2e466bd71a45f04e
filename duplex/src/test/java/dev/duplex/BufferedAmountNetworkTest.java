package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * web-platform-tests {@code websockets/bufferedAmount-*.any.js}. Inside a listener bufferedAmount only
 * grows, so sends made there can be checked exactly, as the WPT files check them in one task.
 */
class BufferedAmountNetworkTest extends ServerTestBase {

    @Test
    void initialIsZero() throws Exception { // bufferedAmount-initial
        WebSocket ws = new ClientRecorder().connect(server.url("/echo"));
        assertThat(ws.bufferedAmount()).isZero();
        ws.close();
        awaitClose(ws);
    }

    @Test
    void countsUtf8BytesWithinATask() throws Exception { // bufferedAmount-unicode, -large, -arraybuffer, -blob
        long[] seen = new long[6];
        ClientRecorder r = new ClientRecorder();
        WebSocket ws = r.connect(server.url("/echo"), s -> s.setOnopen(e -> {
            s.send("\u00a5\u00a5\u00a5\u00a5\u00a5\u00a5"); // 12 bytes
            seen[0] = s.bufferedAmount();
            s.send("\uD801\uDC07"); // 4
            seen[1] = s.bufferedAmount();
            s.send("\uD807"); // lone: U+FFFD, 3
            seen[2] = s.bufferedAmount();
            s.send(new byte[1000]);
            seen[3] = s.bufferedAmount();
            s.send(ByteBuffer.allocate(17));
            seen[4] = s.bufferedAmount();
            s.send(Blob.of(new byte[5]));
            seen[5] = s.bufferedAmount();
        }));
        assertThat(ws.awaitOpen(TIMEOUT)).isTrue(); // returns once the open listeners have all run
        r.next("open");
        assertThat(seen).containsExactly(12, 16, 19, 1019, 1036, 1041);
        for (int i = 0; i < 6; i++) {
            r.message();
        }
        // After the echoes came back, every byte has been written: a new read refreshes the count.
        assertThat(ws.bufferedAmount()).isZero();
        ws.close();
        awaitClose(ws);
    }

    @Test
    void largeSendIsCountedAndDrains() throws Exception { // bufferedAmount-large
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        byte[] big = new byte[1000_000]; // under the server's 1 MiB message limit
        ws.send(big);
        assertThat(ws.bufferedAmount()).isBetween(0L, (long) big.length);
        assertThat(r.message().bytes()).hasSize(big.length);
        assertThat(ws.bufferedAmount()).isZero();
        ws.close();
        awaitClose(ws);
    }

    @Test
    void keepsGrowingAfterClose() throws Exception {
        WebSocket ws = open("/echo");
        ws.close();
        awaitClose(ws);
        long before = ws.bufferedAmount();
        ws.send("abc");
        ws.send(new byte[10]);
        assertThat(ws.bufferedAmount()).isEqualTo(before + 13);
        assertThat(ws.awaitClose(TIMEOUT)).isNotNull();
    }
}
