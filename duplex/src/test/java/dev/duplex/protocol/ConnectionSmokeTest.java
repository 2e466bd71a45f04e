package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ConnectionSmokeTest {

    @Test
    void clientReceivesUnmaskedTextAndSendsMaskedText() {
        Connection c = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x37fa213d), null);
        c.receive(Hex.buffer("810548656c6c6f")); // RFC 6455 5.7: unmasked "Hello"
        assertThat(c.pollEvent()).isEqualTo(new ProtocolEvent.TextMessage("Hello"));
        c.sendText("Hello");
        assertThat(Hex.of(c.pollOutbound())).isEqualTo("818537fa213d7f9f4d5158"); // RFC 6455 5.7 masked
    }

    @Test
    void serverEchoesClose() {
        Connection c = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), null);
        c.receive(Hex.buffer("8882 00000000 03e8"));
        assertThat(c.pollEvent()).isEqualTo(new ProtocolEvent.CloseReceived(CloseCode.NORMAL_CLOSURE, ""));
        assertThat(c.pollEvent()).isEqualTo(new ProtocolEvent.Closed(CloseCode.NORMAL_CLOSURE, "", true, null));
        assertThat(Hex.of(c.pollOutbound())).isEqualTo("880203e8");
        assertThat(c.shouldCloseTransport()).isTrue();
        assertThat(c.state()).isEqualTo(State.CLOSED);
        c.release();
    }

    @Test
    void binaryRoundTrip() {
        Connection client = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x12345678), null);
        Connection server = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), null);
        client.sendBinary(ByteBuffer.wrap(new byte[70000]));
        server.receive(client.pollOutbound());
        ProtocolEvent e = server.pollEvent();
        assertThat(e).isInstanceOf(ProtocolEvent.BinaryMessage.class);
        assertThat(((ProtocolEvent.BinaryMessage) e).data()).isEqualTo(ByteBuffer.wrap(new byte[70000]));
    }
}
