package dev.duplex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** web-platform-tests {@code websockets/binaryType-wrong-value.any.js}, {@code binary/*} and the Blob receive tests. */
class BinaryTypeNetworkTest extends ServerTestBase {

    @Test
    void defaultBlobDeliversABlob() throws Exception { // Send-binary-blob
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        assertThat(ws.binaryType()).isEqualTo("blob");
        ws.send(new byte[] {1, 2, 3});
        Object data = r.message().data();
        assertThat(data).isInstanceOfSatisfying(Blob.class, b -> {
            assertThat(b.size()).isEqualTo(3);
            assertThat(b.bytes()).containsExactly(1, 2, 3);
        });
        ws.close();
        awaitClose(ws);
    }

    @Test
    void arraybufferDeliversAReadOnlyByteBuffer() throws Exception { // Send-binary-arraybuffer
        WebSocket ws = open("/echo");
        ClientRecorder r = ClientRecorder.on(ws);
        ws.setBinaryType("arraybuffer");
        ws.send(new byte[] {4, 5});
        assertThat(r.message().data()).isInstanceOfSatisfying(ByteBuffer.class, b -> {
            assertThat(b.isReadOnly()).isTrue();
            assertThat(b.remaining()).isEqualTo(2);
        });
        ws.close();
        awaitClose(ws);
    }

    @Test
    void wrongValueIsIgnored() throws Exception { // binaryType-wrong-value
        WebSocket ws = open("/echo");
        ws.setBinaryType("notBlobOrArrayBuffer");
        assertThat(ws.binaryType()).isEqualTo("blob");
        ClientRecorder r = ClientRecorder.on(ws);
        ws.send(new byte[] {1});
        assertThat(r.message().data()).isInstanceOf(Blob.class);
        ws.close();
        awaitClose(ws);
    }

    @Test
    void textIsAlwaysAString() throws Exception {
        WebSocket ws = open("/echo");
        ws.setBinaryType("arraybuffer");
        ClientRecorder r = ClientRecorder.on(ws);
        ws.send("text");
        assertThat(r.message().data()).isEqualTo("text");
        ws.close();
        awaitClose(ws);
    }
}
