package dev.duplex.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.duplex.protocol.ProtocolEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The transport's recorder: a {@link ChannelListener} that queues every call it gets ({@link OpenInfo} on
 * open, then each {@link ProtocolEvent}) and notes whether any ran on a virtual thread. The other layers
 * have theirs: {@code dev.duplex.testing.CoreRecorder} (the sans-I/O core), {@code dev.duplex.ClientRecorder}
 * (the client API), {@code dev.duplex.server.ServerRecorder} (the server API).
 */
class ChannelRecorder implements ChannelListener {

    /** Long: real peers start slowly on a loaded 2-core machine. */
    static final long TIMEOUT_SECONDS = 120;

    final BlockingQueue<Object> calls = new LinkedBlockingQueue<>();
    volatile boolean sawVirtual;

    @Override
    public void onOpen(WsChannel ch, OpenInfo info) {
        sawVirtual |= Thread.currentThread().isVirtual();
        calls.add(info);
    }

    @Override
    public void onEvent(WsChannel ch, ProtocolEvent event) {
        sawVirtual |= Thread.currentThread().isVirtual();
        calls.add(event);
    }

    /** The next call: an {@link OpenInfo} or a {@link ProtocolEvent}. */
    Object next() throws InterruptedException {
        Object o = calls.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(o).as("listener call within %d s", TIMEOUT_SECONDS).isNotNull();
        return o;
    }

    /** Skips to the {@link ProtocolEvent.Closed} event. */
    ProtocolEvent.Closed closed() throws InterruptedException {
        while (true) {
            if (next() instanceof ProtocolEvent.Closed c) {
                return c;
            }
        }
    }
}
