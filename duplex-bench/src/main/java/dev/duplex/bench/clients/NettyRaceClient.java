package dev.duplex.bench.clients;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Netty 4.2's WebSocket client ({@code WebSocketClientProtocolHandler}) on epoll, one event loop per
 * core, TCP_NODELAY; each echo answered with {@code write}, flushed once per read batch.
 */
final class NettyRaceClient implements RaceClient {
    private final EventLoopGroup group =
            new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), EpollIoHandler.newFactory());
    private final List<Channel> channels = new ArrayList<>();

    @Override
    public void connect(URI uri, EchoCheck check) throws Exception {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .allowExtensions(false)
                .build();
        Promise<Void> open = group.next().newPromise();
        Channel ch = new Bootstrap()
                .group(group)
                .channel(EpollSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(8192),
                                new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(1 << 20),
                                new Echo(check, open));
                    }
                })
                .connect(uri.getHost(), uri.getPort()).sync().channel();
        if (!open.await(10, TimeUnit.SECONDS) || !open.isSuccess()) {
            throw new IllegalStateException("Netty client did not open", open.cause());
        }
        // A send from another thread (the first burst) becomes a task on the loop; one from the
        // loop writes at once, but only when no such task is still queued, or it would overtake
        // the messages sent before it.
        AtomicInteger queued = new AtomicInteger();
        check.sender(text -> {
            if (ch.eventLoop().inEventLoop() && queued.get() == 0) {
                ch.write(new TextWebSocketFrame(text));
            } else {
                queued.incrementAndGet();
                ch.eventLoop().execute(() -> {
                    queued.decrementAndGet();
                    ch.writeAndFlush(new TextWebSocketFrame(text));
                });
            }
        });
        channels.add(ch);
    }

    @Override
    public void closeAll() {
        channels.forEach(Channel::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final EchoCheck check;
        private final Promise<Void> open;

        Echo(EchoCheck check, Promise<Void> open) {
            this.check = check;
            this.open = open;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open.trySuccess(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof TextWebSocketFrame f) {
                    check.received(f.text());
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            open.tryFailure(cause);
            ctx.close();
        }
    }
}
