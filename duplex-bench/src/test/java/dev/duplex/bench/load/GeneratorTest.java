package dev.duplex.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load generator's own RFC 6455 pieces, checked against the RFC's examples. */
class GeneratorTest {

    @Test
    void acceptKeyMatchesRfc6455Example() {
        // RFC 6455 1.3
        assertThat(ClientHandshake.acceptFor("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void encodesMaskedFrameLikeRfc6455Example() {
        // RFC 6455 5.7: "A single-frame masked text message" containing "Hello"
        ByteBuffer f = Frames.encode(Frames.OP_TEXT, "Hello".getBytes(), 0x37fa213d);
        byte[] b = new byte[f.remaining()];
        f.duplicate().get(b);
        assertThat(HexFormat.of().formatHex(b)).isEqualTo("818537fa213d7f9f4d5158");
    }

    @Test
    void usesMinimalLengthEncodings() {
        assertThat(Frames.encode(Frames.OP_BINARY, new byte[125], 0).remaining()).isEqualTo(2 + 4 + 125);
        assertThat(Frames.encode(Frames.OP_BINARY, new byte[126], 0).remaining()).isEqualTo(4 + 4 + 126);
        assertThat(Frames.encode(Frames.OP_BINARY, new byte[65536], 0).remaining()).isEqualTo(10 + 4 + 65536);
    }

    @Test
    void readsFragmentedServerFramesSplitAtEveryByte() throws IOException {
        // RFC 6455 5.7: "Hel" + "lo" as two fragments, then a 256-byte binary message (16-bit length).
        byte[] wire = HexFormat.of().parseHex("010348656c" + "80026c6f" + "827e0100" + "ab".repeat(256));
        Recorder r = new Recorder();
        FrameReader reader = new FrameReader();
        for (byte x : wire) {
            reader.read(ByteBuffer.wrap(new byte[] {x}), r);
        }
        assertThat(r.events).containsExactly("start 1 false 3", "Hel", "end", "start 0 true 2", "lo", "end",
                "start 2 true 256", "ab".repeat(256), "end");
    }

    @Test
    void rejectsMaskedServerFrameAndCloseFrame() {
        assertThatThrownBy(() -> new FrameReader().read(ByteBuffer.wrap(HexFormat.of().parseHex("818537fa213d7f9f4d5158")), new Recorder()))
                .hasMessageContaining("masked");
        assertThatThrownBy(() -> new FrameReader().read(ByteBuffer.wrap(HexFormat.of().parseHex("880203e8")), new Recorder()))
                .hasMessageContaining("close");
    }

    @Test
    void readsTheCloseCodeSplitAtEveryByte() throws IOException {
        // A close frame with 1000 and a reason, then one with no body (1005 stands for none).
        byte[] wire = HexFormat.of().parseHex("880403e8" + "6f6b" + "8800");
        List<Integer> codes = new ArrayList<>();
        FrameReader reader = new FrameReader();
        FrameReader.Sink sink = new Recorder() {
            @Override
            public void closeFrame(int code) {
                codes.add(code);
            }
        };
        for (byte x : wire) {
            reader.read(ByteBuffer.wrap(new byte[] {x}), sink);
        }
        assertThat(codes).containsExactly(1000, 1005);
    }

    private static class Recorder implements FrameReader.Sink {
        final List<String> events = new ArrayList<>();
        final StringBuilder payload = new StringBuilder();

        @Override
        public void frameStart(int opcode, boolean fin, long length) {
            events.add("start " + opcode + " " + fin + " " + length);
        }

        @Override
        public void payload(ByteBuffer in, int pos, int n) {
            byte[] b = new byte[n];
            in.get(pos, b);
            boolean text = events.get(events.size() - 1).startsWith("start 1") || events.get(events.size() - 1).startsWith("start 0");
            payload.append(text ? new String(b) : HexFormat.of().formatHex(b));
        }

        @Override
        public void frameEnd() {
            events.add(payload.toString());
            payload.setLength(0);
            events.add("end");
        }
    }
}
