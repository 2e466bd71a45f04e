package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One client connection's byte stream: the socket itself ({@link #plain}), or TLS over it
 * ({@link TlsLink}). Blocking or not, as its channel is. In non-blocking mode a read fills the
 * buffer until it is full or nothing more has arrived, so a caller that stops on a short read
 * leaves no decrypted bytes behind for a selector that will not fire again.
 */
abstract class Link {
    final SocketChannel channel;

    Link(SocketChannel channel) {
        this.channel = channel;
    }

    static Link plain(SocketChannel channel) {
        return new Link(channel) {
            @Override
            int read(ByteBuffer dst) throws IOException {
                return channel.read(dst);
            }

            @Override
            void write(ByteBuffer src) throws IOException {
                channel.write(src);
            }

            @Override
            boolean pendingOutput() {
                return false;
            }
        };
    }

    /** Application bytes into {@code dst}; -1 at the end of the stream with nothing read. */
    abstract int read(ByteBuffer dst) throws IOException;

    /** Takes what the socket accepts now of {@code src} (all of it, blocking). */
    abstract void write(ByteBuffer src) throws IOException;

    /** Whether bytes already taken from the caller still wait for the socket (then: wait for OP_WRITE). */
    abstract boolean pendingOutput();

    /** Writes all of {@code src} on a blocking channel. */
    final void writeFully(ByteBuffer src) throws IOException {
        while (src.hasRemaining() || pendingOutput()) {
            write(src);
        }
    }

    /** Frees what the link holds beyond its channel (the TLS engine's native state); the channel is the caller's. */
    void release() {}
}
