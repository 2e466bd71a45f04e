package dev.duplex.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.WebSocketError;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read buffer's limits (each at the limit and past it): the socket pauses when the buffer holds
 * its number of messages or of bytes, resumes at half of both, never pauses once closing (and then
 * drops what does not fit), and a clean or unclean end reads as null or throws.
 */
class ReadBufferTest {

    private final List<String> calls = new ArrayList<>();
    private final ReadControl control = new ReadControl() {
        @Override
        public void pause() {
            calls.add("pause");
        }

        @Override
        public void resume() {
            calls.add("resume");
        }
    };

    @Test
    void pausesAtTheMessageLimitAndResumesAtHalf() throws Exception {
        ReadBuffer b = new ReadBuffer(4, 1 << 20, control);
        for (int i = 0; i < 3; i++) {
            b.offer("m" + i);
        }
        assertThat(calls).isEmpty(); // one below the limit
        b.offer("m3");
        assertThat(calls).containsExactly("pause"); // at the limit
        b.offer("m4"); // what the read in progress still held
        assertThat(calls).containsExactly("pause");
        assertThat(b.read()).isEqualTo("m0");
        assertThat(b.read()).isEqualTo("m1");
        assertThat(calls).containsExactly("pause"); // 3 left: above half
        assertThat(b.read()).isEqualTo("m2");
        assertThat(calls).containsExactly("pause", "resume"); // 2 left: half
    }

    @Test
    void pausesAtTheByteLimit() {
        ReadBuffer b = new ReadBuffer(100, 1000, control);
        b.offer(ByteBuffer.allocate(999));
        assertThat(calls).isEmpty();
        b.offer("x"); // 1000 bytes: at the limit
        assertThat(calls).containsExactly("pause");
    }

    @Test
    void oversizedMessagePausesAndResumesOnceTaken() throws Exception {
        ReadBuffer b = new ReadBuffer(16, 1000, control);
        b.offer(ByteBuffer.allocate(5000));
        assertThat(calls).containsExactly("pause");
        assertThat(((ByteBuffer) b.read()).remaining()).isEqualTo(5000);
        assertThat(calls).containsExactly("pause", "resume");
    }

    @Test
    void closingResumesAndDropsWhatDoesNotFit() throws Exception {
        ReadBuffer b = new ReadBuffer(2, 1 << 20, control);
        b.offer("a");
        b.offer("b");
        b.stopPausing();
        assertThat(calls).containsExactly("pause", "resume");
        b.offer("c"); // full: dropped, the socket keeps being read for the close frame
        assertThat(b.dropped()).isEqualTo(1);
        b.end(null);
        assertThat(b.read()).isEqualTo("a");
        assertThat(b.read()).isEqualTo("b");
        assertThat(b.read()).isNull();
        assertThat(calls).containsExactly("pause", "resume");
    }

    @Test
    void uncleanEndThrowsEvenWithMessagesBuffered() {
        ReadBuffer b = new ReadBuffer(16, 1 << 20, control);
        b.offer("a");
        b.end(new WebSocketError("dropped", 1006, "", null));
        assertThatThrownBy(b::read).isInstanceOf(WebSocketError.class).hasMessage("dropped");
    }

    @Test
    void oneConsumer() {
        ReadBuffer b = new ReadBuffer(16, 1 << 20, control);
        b.claim();
        assertThatThrownBy(b::claim).isInstanceOf(IllegalStateException.class);
    }
}
