package dev.duplex.server;

import dev.duplex.WebSocketError;
import dev.duplex.ReadyState;
import dev.duplex.stream.ReadBuffer;
import dev.duplex.stream.ReadControl;
import dev.duplex.stream.WriteFlow;
import dev.duplex.transport.WsChannel;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.function.UnaryOperator;

/**
 * {@link WebSocketHandler#stream}: gives each connection a read buffer and a write queue (as the
 * client's {@code WebSocketStream} has) and runs the {@link StreamHandler} on a virtual thread of its
 * own. The callbacks only fill the buffer, so they never block, on the loop or on a handler thread.
 */
final class StreamingHandler implements WebSocketHandler {

    private static final System.Logger LOG = System.getLogger(StreamingHandler.class.getName());
    private static final ThreadFactory THREADS = Thread.ofVirtual().name("duplex-stream-handler-", 0).factory();

    private final StreamHandler body;
    private final int readMessages;
    private final long readBytes;
    private final long writeBuffer;
    private final long maxQueued;

    StreamingHandler(StreamHandler body, int readMessages, long readBytes, long writeBuffer, long maxQueued) {
        this.body = body;
        this.readMessages = readMessages;
        this.readBytes = readBytes;
        this.writeBuffer = writeBuffer;
        this.maxQueued = maxQueued;
    }

    @Override
    public void onOpen(ServerWebSocket ws) {
        WsChannel ch = ws.channel();
        ReadBuffer in = new ReadBuffer(readMessages, readBytes, new ReadControl() {
            @Override
            public void pause() {
                ch.pauseReading();
            }

            @Override
            public void resume() {
                ch.resumeReading();
            }
        });
        WriteFlow out = new WriteFlow(new ChannelSink(ch), writeBuffer, maxQueued, UnaryOperator.identity());
        ws.onwritten(out::written); // before the first send
        out.open();
        Throwable[] failure = new Throwable[1]; // set by onerror, read by onclose: same thread, in order
        ws.onmessage(m -> in.offer(m.isText() ? m.text() : m.data()));
        ws.onerror(t -> failure[0] = t);
        ws.onclose(e -> {
            WebSocketError error = e.wasClean() ? null : new WebSocketError(failure[0] == null
                    ? "the connection closed without a closing handshake" : String.valueOf(failure[0].getMessage()),
                    1006, "", failure[0]);
            in.end(error);
            out.end(error);
        });
        ws.onclosing(in::stopPausing);
        THREADS.newThread(() -> run(ws, in, out)).start();
    }

    private void run(ServerWebSocket ws, ReadBuffer in, WriteFlow out) {
        int code = 1000;
        try {
            body.handle(ws, in, out);
        } catch (Exception | Error e) {
            if (!(e instanceof WebSocketError)) { // the connection's own end, already reported
                LOG.log(Level.WARNING, "stream handler threw; closing with 1011", e);
                code = 1011;
            }
        }
        int c = code;
        in.stopPausing();
        out.shut(() -> {
            if (ws.readyState() == ReadyState.OPEN) {
                ws.close(c, "");
            }
        });
    }

    /** The write queue's view of the channel. */
    private record ChannelSink(WsChannel ch) implements WriteFlow.Sink {
        @Override
        public boolean sendText(String text) {
            return ch.sendText(text);
        }

        @Override
        public boolean sendBinary(ByteBuffer data) {
            return ch.sendBinary(data);
        }

        @Override
        public long buffered() {
            return ch.bufferedAmount();
        }
    }
}
