package dev.duplex.bench.peers;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLException;

/**
 * Netty 4.2 WebSocket server, written the way Netty's own examples and tuning advice say:
 * {@code --transport nio|epoll}, {@code --mode echo|broadcast|raw-echo}, {@code wss} with {@code --keystore}
 * (see {@code tls}). One event loop per core, no
 * compression handler, frame and message limits at {@link Peers#MAX_MESSAGE}. Echo writes each
 * message back and flushes once per read batch ({@code channelReadComplete}); broadcast hands the
 * received frame to {@link ChannelGroup#writeAndFlush} (payload shared, not copied, per member).
 */
public final class NettyServer {
    public static void main(String[] args) throws Exception {
        Peers.quiet();
        boolean epoll = Peers.option(args, "--transport", "nio").equals("epoll");
        String mode = Peers.option(args, "--mode", "echo");
        boolean broadcast = mode.equals("broadcast");
        boolean rawEcho = mode.equals("raw-echo");
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> serverClass =
                epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Peers.threads(), io);
        ChannelGroup members = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/")
                .checkStartsWith(true)
                .allowExtensions(false)
                .maxFramePayloadLength(Peers.MAX_MESSAGE)
                .build();
        ChannelInboundHandlerAdapter app = broadcast ? new Broadcast(members) : new Echo(false);
        SslContext tls = tls(args);
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(serverClass)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        if (rawEcho) {
                            ch.pipeline().addLast(new Echo(true)); // with TLS: Netty's TLS alone, the wss tables' reference
                            return;
                        }
                        ch.pipeline().addLast(
                                new HttpServerCodec(),
                                new HttpObjectAggregator(8192),
                                new WebSocketServerProtocolHandler(config),
                                new WebSocketFrameAggregator(Peers.MAX_MESSAGE),
                                app);
                    }
                });
        Channel server = b.bind("127.0.0.1", Peers.port(args)).sync().channel();
        Peers.ready(((InetSocketAddress) server.localAddress()).getPort());
        server.closeFuture().sync();
    }

    /**
     * {@code --keystore FILE --storepass PW [--tls jdk|openssl]}: {@code wss} through Netty's
     * {@code SslHandler} with the JDK's {@code SSLEngine} or BoringSSL's ({@code netty-tcnative}),
     * each with its defaults (the generator pins the suite and the group); null for plain {@code ws}.
     */
    private static SslContext tls(String[] args) throws SSLException {
        Peers.KeyAndChain key = Peers.keyAndChain(args);
        if (key == null) {
            return null;
        }
        boolean openssl = Peers.option(args, "--tls", "jdk").equals("openssl");
        if (openssl && !OpenSsl.isAvailable()) {
            throw new SSLException("OpenSSL (netty-tcnative) is not available", OpenSsl.unavailabilityCause());
        }
        // The key itself, as Netty's examples pass it: with a KeyManagerFactory the OpenSSL provider
        // converts the key material on every handshake.
        return SslContextBuilder.forServer(key.key(), key.chain())
                .sslProvider(openssl ? SslProvider.OPENSSL : SslProvider.JDK)
                .build();
    }

    /** Writes each message back, flushing once per read batch; raw: the bytes as they came, no WebSocket. */
    @Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final boolean raw;

        Echo(boolean raw) {
            this.raw = raw;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (raw || msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.write(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Sharable
    private static final class Broadcast extends ChannelInboundHandlerAdapter {
        private final ChannelGroup members;

        Broadcast(ChannelGroup members) {
            this.members = members;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                members.add(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                members.writeAndFlush(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
