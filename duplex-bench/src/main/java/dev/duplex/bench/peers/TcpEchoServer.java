package dev.duplex.bench.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plain TCP echo, the reference for the load benchmark: no WebSocket parsing at all, just the
 * bytes back. One NIO selector thread per core; a connection stops reading while its echo is
 * still being written (the same backpressure a WebSocket echo applies).
 */
public final class TcpEchoServer {
    public static void main(String[] args) throws IOException {
        Peers.quiet();
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", Peers.port(args)), 4096);
        int n = Peers.threads();
        List<Loop> loops = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Loop l = new Loop();
            loops.add(l);
            Thread.ofPlatform().name("tcp-echo-" + i).start(l);
        }
        Peers.ready(((InetSocketAddress) server.getLocalAddress()).getPort());
        AtomicInteger next = new AtomicInteger();
        while (true) {
            SocketChannel ch = server.accept();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.configureBlocking(false);
            loops.get(Math.floorMod(next.getAndIncrement(), n)).adopt(ch);
        }
    }

    private static final class Loop implements Runnable {
        private final Selector selector;
        private final java.util.Queue<SocketChannel> incoming = new java.util.concurrent.ConcurrentLinkedQueue<>();

        Loop() throws IOException {
            selector = Selector.open();
        }

        void adopt(SocketChannel ch) {
            incoming.add(ch);
            selector.wakeup();
        }

        @Override
        public void run() {
            try {
                while (true) {
                    selector.select(this::handle);
                    SocketChannel ch;
                    while ((ch = incoming.poll()) != null) {
                        ch.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(64 * 1024));
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        private void handle(SelectionKey key) {
            SocketChannel ch = (SocketChannel) key.channel();
            ByteBuffer buf = (ByteBuffer) key.attachment();
            try {
                if (key.isWritable()) {
                    buf.flip();
                    ch.write(buf);
                    boolean done = !buf.hasRemaining();
                    buf.compact();
                    if (!done) {
                        return;
                    }
                    key.interestOps(SelectionKey.OP_READ);
                }
                if (key.isReadable()) {
                    while (true) {
                        int n = ch.read(buf);
                        if (n < 0) {
                            key.cancel();
                            ch.close();
                            return;
                        }
                        buf.flip();
                        ch.write(buf);
                        boolean done = !buf.hasRemaining();
                        buf.compact();
                        if (!done) {
                            key.interestOps(SelectionKey.OP_WRITE);
                            return;
                        }
                        if (n < buf.capacity()) {
                            return;
                        }
                    }
                }
            } catch (IOException e) {
                key.cancel();
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // already gone
                }
            }
        }
    }
}
