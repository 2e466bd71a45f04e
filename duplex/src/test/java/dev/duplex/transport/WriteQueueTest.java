package dev.duplex.transport;

import org.junit.jupiter.api.Test;

import dev.duplex.internal.ProtocolAccess;
import dev.duplex.protocol.BufferPool;
import dev.duplex.protocol.Connection;
import dev.duplex.protocol.Limits;
import dev.duplex.protocol.MaskSource;
import dev.duplex.protocol.ProtocolEvent;
import dev.duplex.protocol.Role;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

import static org.assertj.core.api.Assertions.assertThat;

class WriteQueueTest {

    /** A channel that accepts at most {@code capacity} bytes per write call and counts the calls. */
    static class ThrottledChannel implements GatheringByteChannel {
        final ByteArrayOutputStream written = new ByteArrayOutputStream();
        int capacity;
        int calls;

        ThrottledChannel(int capacity) {
            this.capacity = capacity;
        }

        public long write(ByteBuffer[] srcs, int offset, int length) {
            calls++;
            long n = 0;
            for (int i = offset; i < offset + length && n < capacity; i++) {
                while (srcs[i].hasRemaining() && n < capacity) {
                    written.write(srcs[i].get());
                    n++;
                }
            }
            return n;
        }

        public long write(ByteBuffer[] srcs) {
            return write(srcs, 0, srcs.length);
        }

        public int write(ByteBuffer src) {
            return (int) write(new ByteBuffer[] {src}, 0, 1);
        }

        public boolean isOpen() {
            return true;
        }

        public void close() {
        }
    }

    @Test
    void aLargeBufferIsHandedToTheSocketInBoundedSlicesAndKeepsItsLimit() throws Exception {
        WriteQueue q = new WriteQueue();
        byte[] big = new byte[3 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        ByteBuffer b = ByteBuffer.wrap(big);
        q.add(b, big.length);
        q.add(ByteBuffer.wrap(new byte[] {7}), 1);
        ThrottledChannel ch = new ThrottledChannel(Integer.MAX_VALUE) {


            @Override
            public long write(ByteBuffer[] srcs, int offset, int length) {
                long offered = 0;
                for (int i = offset; i < offset + length; i++) {
                    offered += srcs[i].remaining();
                }
                assertThat(offered).as("bytes offered to one write").isLessThanOrEqualTo(512 * 1024);
                return super.write(srcs, offset, length);
            }
        };
        long released = q.writeTo(ch);
        assertThat(released).isEqualTo(big.length + 1L);
        assertThat(b.limit()).isEqualTo(big.length);
        assertThat(q.isEmpty()).isTrue();
        byte[] out = ch.written.toByteArray();
        assertThat(out).hasSize(big.length + 1);
        assertThat(java.util.Arrays.copyOf(out, big.length)).isEqualTo(big);
        assertThat(out[big.length]).isEqualTo((byte) 7);
        assertThat(ch.calls).isEqualTo(7); // 6 slices of 512 KiB, then the last byte
    }

    @Test
    void manySmallBuffersLeaveInOneGatheringWrite() throws Exception {
        WriteQueue q = new WriteQueue();
        for (int i = 0; i < 40; i++) {
            q.add(ByteBuffer.wrap(new byte[] {(byte) i, (byte) i}), 2);
        }
        assertThat(q.bytes()).isEqualTo(80);
        ThrottledChannel ch = new ThrottledChannel(1 << 20);
        long released = q.writeTo(ch);
        assertThat(ch.calls).isEqualTo(1);
        assertThat(released).isEqualTo(80);
        assertThat(q.isEmpty()).isTrue();
        assertThat(q.bytes()).isZero();
    }

    @Test
    void partialWritesKeepOrderAndReleaseCreditsOnlyForCompletedBuffers() throws Exception {
        WriteQueue q = new WriteQueue();
        q.add(ByteBuffer.wrap("abc".getBytes()), 0);   // a frame header, no credit
        q.add(ByteBuffer.wrap("defgh".getBytes()), 5); // the payload completes the message
        ThrottledChannel ch = new ThrottledChannel(4);
        assertThat(q.writeTo(ch)).isZero();            // socket full after 4 bytes
        assertThat(q.bytes()).isEqualTo(4);
        ch.capacity = 100;
        assertThat(q.writeTo(ch)).isEqualTo(5);
        assertThat(ch.written.toString()).isEqualTo("abcdefgh");
    }

    @Test
    void growsPastItsInitialCapacityAndClearsWithCredits() {
        WriteQueue q = new WriteQueue();
        for (int i = 0; i < 1000; i++) {
            q.add(ByteBuffer.allocate(10), 1);
        }
        assertThat(q.bytes()).isEqualTo(10_000);
        assertThat(q.clear()).isEqualTo(1000);
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void holdsNoArraysUntilTheFirstBufferAndThenStartsSmall() throws Exception {
        WriteQueue q = new WriteQueue();
        assertThat(q.capacity()).isZero();
        assertThat(q.writeTo(new ThrottledChannel(100))).isZero();
        assertThat(q.clear()).isZero();
        q.add(ByteBuffer.wrap(new byte[] {1}), 1);
        assertThat(q.capacity()).isEqualTo(WriteQueue.FIRST_CAPACITY);
        ThrottledChannel ch = new ThrottledChannel(100);
        assertThat(q.writeTo(ch)).isEqualTo(1);
        assertThat(q.isEmpty()).isTrue();
        q.add(ByteBuffer.wrap(new byte[] {2, 3}), 2);
        assertThat(q.capacity()).isEqualTo(WriteQueue.FIRST_CAPACITY);
        assertThat(q.writeTo(ch)).isEqualTo(2);
        assertThat(ch.written.toByteArray()).containsExactly(1, 2, 3);
    }

    @Test
    void aQueueThatKeepsDrainingFromTheFrontReusesItsArraysInOrder() throws Exception {
        WriteQueue q = new WriteQueue();
        ThrottledChannel ch = new ThrottledChannel(4); // two 2-byte buffers per write
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        long credits = 0;
        int v = 0;
        // One buffer always stays behind, so the queue never empties: the run of buffers keeps
        // reaching the end of the arrays with written slots in front of it, and slides back.
        for (int round = 0; round < 500; round++) {
            for (int k = round == 0 ? 0 : 1; k < 3; k++, v++) {
                byte[] b = {(byte) v, (byte) (v >> 8)};
                expected.write(b);
                q.add(ByteBuffer.wrap(b), 1);
            }
            credits += q.writeTo(ch);
            assertThat(q.bytes()).isEqualTo(2);
        }
        assertThat(q.capacity()).isEqualTo(WriteQueue.FIRST_CAPACITY);
        credits += q.writeTo(ch);
        assertThat(credits).isEqualTo(v);
        assertThat(q.isEmpty()).isTrue();
        assertThat(ch.written.toByteArray()).isEqualTo(expected.toByteArray());
    }

    /**
     * The loop's pool gets back every buffer the queue took from it: frames once written whole, a
     * lent window when a copy replaces it at the batch's end (its bytes intact), all on clear.
     */
    @Test
    void poolBuffersGoBackOnceWrittenDetachedOrDropped() throws Exception {
        byte[] payload = new byte[10_000];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) (i * 7);
        }
        Connection client = new Connection(Role.CLIENT, Limits.DEFAULTS, MaskSource.fixed(0x11223344), null);
        client.sendBinary(ByteBuffer.wrap(payload));
        ByteBuffer wire = client.pollOutbound();
        ByteBuffer source = ByteBuffer.allocateDirect(64 * 1024);
        source.put(wire).flip();
        BufferPool pool = new BufferPool(source);
        Connection server = new Connection(Role.SERVER, Connection.Settings.of(Limits.DEFAULTS, MaskSource.fixed(0), null).withCompression(0, -1).withPool(pool));
        server.streamMessages(true);
        server.receive(source);
        ProtocolEvent.MessagePart p = (ProtocolEvent.MessagePart) server.pollEvent();
        server.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        ProtocolAccess.get().sendPartWithoutCopy(server, p.text(), p.data(), p.last()); // a pool header, then a pool window
        server.sendBinary(ByteBuffer.wrap(new byte[] {4, 5}));
        WriteQueue q = new WriteQueue();
        for (ByteBuffer b; (b = server.pollOutbound()) != null; ) {
            q.add(b, 0);
        }
        assertThat(pool.outstanding()).isEqualTo(4);

        ThrottledChannel ch = new ThrottledChannel(100);
        q.writeTo(ch, pool); // the first frame and the header, and part of the window
        assertThat(pool.outstanding()).isEqualTo(2);
        q.detachDirect(pool); // end of the batch: the window's rest is copied, the window given back
        assertThat(pool.outstanding()).isEqualTo(1);
        source.clear().put(new byte[source.capacity()]); // the next read overwrites the read buffer
        ch.capacity = Integer.MAX_VALUE;
        q.writeTo(ch, pool);
        assertThat(pool.outstanding()).isZero();
        byte[] out = ch.written.toByteArray();
        assertThat(out.length).isEqualTo(5 + 4 + payload.length + 4);
        assertThat(java.util.Arrays.copyOfRange(out, 9, 9 + payload.length)).isEqualTo(payload);

        server.sendBinary(ByteBuffer.wrap(new byte[] {9}));
        q.add(server.pollOutbound(), 0);
        assertThat(pool.outstanding()).isEqualTo(1);
        q.clear(pool);
        assertThat(pool.outstanding()).isZero();
    }
}
