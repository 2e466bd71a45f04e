package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** web-platform-tests {@code websockets/Send-*.any.js} and {@code send-many-64K-messages-with-backpressure}. */
class SendNetworkTest extends ServerTestBase {

    private static MessageEvent echo(WebSocket ws, ClientRecorder r, Runnable send) throws Exception {
        send.run();
        return r.message();
    }

    @Test
    void beforeOpenIsInvalidStateError() throws Exception { // Send-before-open
        ClientRecorder r = new ClientRecorder();
        WebSocket[] holder = new WebSocket[1];
        WebSocket ws = r.connect(server.url("/echo"), s -> {
            holder[0] = s;
            assertDom(() -> s.send("Message to send"), "InvalidStateError");
        });
        r.next("open");
        ws.close();
        awaitClose(ws);
        assertThat(holder[0]).isSameAs(ws);
    }

    @Test
    void textRoundTrips() throws Exception { // Send-data, Send-0byte-data, Send-unicode-data, Send-paired-surrogates
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        for (String data : new String[] {"Message to send", "", "¥¥¥¥¥¥", "\uD801\uDC07", "a".repeat(65000)}) {
            MessageEvent e = echo(ws, r, () -> ws.send(data));
            assertThat(e.data()).isEqualTo(data);
        }
        ws.close();
        assertThat(awaitClose(ws).wasClean()).isTrue();
    }

    @Test
    void unpairedSurrogatesAreSentAsReplacementCharacter() throws Exception { // Send-unpaired-surrogates
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        assertThat(echo(ws, r, () -> ws.send("\uD807")).data()).isEqualTo("\uFFFD");
        assertThat(echo(ws, r, () -> ws.send("a\uDC00b\uD800")).data()).isEqualTo("a\uFFFDb\uFFFD");
        ws.close();
        awaitClose(ws);
    }

    @Test
    void binaryRoundTripsInEveryForm() throws Exception { // Send-binary-arraybuffer(view), -blob, -65K
        WebSocket ws = open("/echo");
        ws.setBinaryType("arraybuffer");
        ClientRecorder r = ClientRecorder.on(ws);
        byte[] small = {0, 1, 2, (byte) 0xff};
        byte[] big = new byte[65000];
        Arrays.fill(big, (byte) 7);
        assertThat(echo(ws, r, () -> ws.send(small)).bytes()).containsExactly(small);
        assertThat(echo(ws, r, () -> ws.send(big)).bytes()).containsExactly(big);
        ByteBuffer view = ByteBuffer.wrap(new byte[] {9, 8, 7, 6, 5}, 1, 3).slice(); // Send-binary-arraybufferview
        assertThat(echo(ws, r, () -> ws.send(view)).bytes()).containsExactly(8, 7, 6);
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {1, 2, 3}).flip();
        assertThat(echo(ws, r, () -> ws.send(direct)).bytes()).containsExactly(1, 2, 3);
        assertThat(echo(ws, r, () -> ws.send(Blob.of(small))).bytes()).containsExactly(small);
        assertThat(echo(ws, r, () -> ws.send(new byte[0])).bytes()).isEmpty();
        ws.close();
        awaitClose(ws);
    }

    @Test
    void manyLargeMessagesWithBackpressure() throws Exception { // send-many-64K-messages-with-backpressure
        WebSocket ws = open("/echo");
        ws.setBinaryType("arraybuffer");
        ClientRecorder r = ClientRecorder.on(ws);
        byte[] payload = new byte[64 * 1024];
        int count = 50;
        long received = 0;
        for (int i = 0; i < count; i++) {
            payload[0] = (byte) i;
            ws.send(payload);
        }
        for (int i = 0; i < count; i++) {
            MessageEvent e = r.message();
            byte[] b = e.bytes();
            assertThat(b).hasSize(payload.length);
            assertThat(b[0]).isEqualTo((byte) i);
            received += b.length;
        }
        assertThat(received).isEqualTo((long) count * payload.length);
        ws.close();
        awaitClose(ws);
        assertThat(ws.bufferedAmount()).isZero();
    }

    @Test
    void afterCloseDataIsDiscardedButCounted() throws Exception {
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        ws.close();
        ws.send("12345");
        ws.send(new byte[3]);
        assertThat(ws.bufferedAmount()).isGreaterThanOrEqualTo(8);
        assertThat(r.typesUntilClose()).containsExactly("close"); // nothing echoed
        ws.send("x");
        assertThat(ws.bufferedAmount()).isGreaterThanOrEqualTo(9);
    }
}
