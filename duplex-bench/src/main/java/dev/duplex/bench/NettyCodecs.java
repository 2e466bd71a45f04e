package dev.duplex.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;

/**
 * Netty's RFC 6455 codecs called directly, without a pipeline pass: each handler sits in an
 * {@link EmbeddedChannel} only to get a real {@link ChannelHandlerContext} (its pooled allocator),
 * and the benchmark calls the protected {@code decode}/{@code encode} itself. This measures the
 * codec alone, as {@code FrameDecoder}/{@code FrameEncoder} are measured on Duplex's side.
 */
final class NettyCodecs {

    private NettyCodecs() {
    }

    static final class Decoder extends WebSocket08FrameDecoder {
        private final ChannelHandlerContext ctx;

        Decoder(boolean expectMasked, int maxPayload) {
            super(expectMasked, false, maxPayload);
            ctx = new EmbeddedChannel(this).pipeline().context(this);
        }

        /** Decodes what {@code in} holds into {@code out}. */
        void decodeDirect(ByteBuf in, List<Object> out) throws Exception {
            decode(ctx, in, out);
        }
    }

    static final class Encoder extends WebSocket08FrameEncoder {
        private final ChannelHandlerContext ctx;

        Encoder(boolean mask) {
            // A fixed key, as Duplex's side uses MaskSource.fixed: no randomness cost on either side.
            super(mask ? () -> 0x37fa213d : null);
            ctx = new EmbeddedChannel(this).pipeline().context(this);
        }

        /** Encodes {@code frame} into {@code out} (the frame is not released). */
        void encodeDirect(WebSocketFrame frame, List<Object> out) throws Exception {
            encode(ctx, frame, out);
        }
    }
}
