package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Incremental reader of server-to-client frames (RFC 6455 5.2) for one connection. Keeps only the
 * partial header between reads; payload bytes are handed to the sink as they arrive and never
 * buffered, so one read buffer per generator thread serves any number of connections.
 */
final class FrameReader {
    /** Receives one connection's frames. Payload slices are only valid during the call. */
    interface Sink {
        /** A data frame starts: {@code opcode} is 0 for a continuation. */
        void frameStart(int opcode, boolean fin, long length) throws IOException;

        /** {@code n} payload bytes at {@code in[pos, pos + n)} (absolute indexes, position untouched). */
        void payload(ByteBuffer in, int pos, int n) throws IOException;

        /** The data frame that started last is complete. */
        void frameEnd() throws IOException;

        /** A close frame with its status code (1005 when it has none): by default, a failure. */
        default void closeFrame(int code) throws IOException {
            throw new IOException("server closed the connection (close frame " + code + ")");
        }
    }

    private final byte[] header = new byte[10];
    private int headerLength;
    private int headerNeed = 2;
    private boolean inPayload;
    private boolean control;
    private int controlOpcode;
    private long payloadLeft;
    private int closeCode;
    private int closeCodeBytes;

    /** Consumes all of {@code in}'s remaining bytes. */
    void read(ByteBuffer in, Sink sink) throws IOException {
        int pos = in.position();
        int limit = in.limit();
        while (pos < limit) {
            if (!inPayload) {
                while (headerLength < headerNeed && pos < limit) {
                    header[headerLength++] = in.get(pos++);
                    if (headerLength == 2) {
                        headerNeed = 2 + switch (header[1] & 0x7F) {
                            case 126 -> 2;
                            case 127 -> 8;
                            default -> 0;
                        };
                    }
                }
                if (headerLength < headerNeed) {
                    break;
                }
                startFrame(sink);
                if (payloadLeft == 0) {
                    endFrame(sink);
                }
                continue;
            }
            int n = (int) Math.min(payloadLeft, limit - pos);
            if (!control) {
                sink.payload(in, pos, n);
            } else {
                for (int i = 0; i < n && closeCodeBytes < 2; i++, closeCodeBytes++) {
                    closeCode = (closeCode << 8) | (in.get(pos + i) & 0xFF);
                }
            }
            pos += n;
            payloadLeft -= n;
            if (payloadLeft == 0) {
                endFrame(sink);
            }
        }
        in.position(limit);
    }

    private void startFrame(Sink sink) throws IOException {
        int b0 = header[0] & 0xFF;
        int b1 = header[1] & 0xFF;
        // RFC 6455 5.2: no extension was negotiated, so RSV1-3 must be 0.
        if ((b0 & 0x70) != 0) {
            throw new IOException("RSV bits set without an extension: 0x" + Integer.toHexString(b0));
        }
        // RFC 6455 5.1: a server must not mask frames it sends.
        if ((b1 & 0x80) != 0) {
            throw new IOException("server sent a masked frame");
        }
        long length = switch (b1 & 0x7F) {
            case 126 -> ((header[2] & 0xFFL) << 8) | (header[3] & 0xFFL);
            case 127 -> {
                long l = 0;
                for (int i = 2; i < 10; i++) {
                    l = (l << 8) | (header[i] & 0xFFL);
                }
                yield l;
            }
            default -> b1 & 0x7F;
        };
        if (length < 0) {
            throw new IOException("64-bit frame length with the most significant bit set");
        }
        int opcode = b0 & 0x0F;
        boolean fin = (b0 & 0x80) != 0;
        headerLength = 0;
        headerNeed = 2;
        inPayload = true;
        payloadLeft = length;
        control = opcode >= 8;
        if (control) {
            // RFC 6455 5.5: control frames are final and carry at most 125 bytes.
            if (!fin || length > 125) {
                throw new IOException("malformed control frame, opcode " + opcode);
            }
            controlOpcode = opcode;
            closeCode = 0;
            closeCodeBytes = 0;
        } else {
            sink.frameStart(opcode, fin, length);
        }
    }

    private void endFrame(Sink sink) throws IOException {
        inPayload = false;
        if (control) {
            if (controlOpcode == 8) {
                // RFC 6455 5.5.1: the body, if any, starts with a 2-byte status code; 1005 stands for none.
                sink.closeFrame(closeCodeBytes == 2 ? closeCode : 1005);
                return;
            }
            // Pings and pongs are not part of the workload; the servers under test send none.
            return;
        }
        sink.frameEnd();
    }
}
