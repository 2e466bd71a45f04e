package dev.duplex.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.testing.Hex;
import dev.duplex.testing.CoreRecorder;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A message encoded once and sent to many connections. */
class PreparedMessageTest {

    @Test
    void serverFrameIsEncodedOnceAndSharedReadOnly() {
        PreparedMessage p = PreparedMessage.text("Hello");
        assertThat(Hex.of(p.serverFrame())).isEqualTo("810548656c6c6f");
        Connection a = ConnectionTest.SERVER.get();
        Connection b = ConnectionTest.SERVER.get();
        a.sendPrepared(p);
        b.sendPrepared(p);
        ByteBuffer fromA = a.pollOutbound();
        ByteBuffer fromB = b.pollOutbound();
        assertThat(fromA.isReadOnly()).isTrue();
        assertThat(fromA).isNotSameAs(fromB);
        fromA.get(new byte[3]); // the transport writing part of it moves only this duplicate
        assertThat(Hex.of(fromB)).isEqualTo("810548656c6c6f");
        assertThat(Hex.of(p.serverFrame())).isEqualTo("810548656c6c6f");
    }

    @Test
    void binaryCopiesTheCallersBytes() {
        ByteBuffer data = Hex.buffer("010203");
        PreparedMessage p = PreparedMessage.binary(data);
        data.put(0, (byte) 9);
        assertThat(data.position()).isEqualTo(0);
        assertThat(Hex.of(p.serverFrame())).isEqualTo("8203010203");
        assertThat(p.opcode()).isEqualTo(Opcode.BINARY);
        assertThat(p.length()).isEqualTo(3);
    }

    @Test
    void largeMessagesUseTheExtendedLength() {
        PreparedMessage p = PreparedMessage.binary(ByteBuffer.allocate(70000));
        assertThat(Hex.of(p.serverFrame().slice(0, 10))).isEqualTo("827f0000000000011170");
    }

    @Test
    void aClientMasksItsOwnCopy() {
        PreparedMessage p = PreparedMessage.text("Hello");
        Connection c = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x37fa213d), null);
        c.sendPrepared(p);
        assertThat(CoreRecorder.outbound(c)).isEqualTo("818537fa213d7f9f4d5158");
        assertThat(Hex.of(p.serverFrame())).isEqualTo("810548656c6c6f"); // untouched
    }

    @Test
    void aCompressingServerCompressesUnlessUnderTheThreshold() {
        PreparedMessage p = PreparedMessage.text("Hello");
        Connection c = new Connection(Role.SERVER, Limits.DEFAULTS, MaskSource.fixed(0), DeflateParameters.DEFAULT);
        c.sendPrepared(p);
        assertThat(CoreRecorder.outbound(c)).isEqualTo("c107f248cdc9c90700");
        Connection t = new Connection(Role.SERVER, Connection.Settings.of(Limits.DEFAULTS, MaskSource.fixed(0), DeflateParameters.DEFAULT).withCompression(64, -1));
        t.sendPrepared(p);
        assertThat(CoreRecorder.outbound(t)).isEqualTo("810548656c6c6f");
        c.release();
        t.release();
    }
}
