package dev.duplex.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A hand-driven blocking client for tests that need exact bytes on the wire: writes an upgrade
 * request and frames (masked with a zero key so payloads stay readable), reads frames back.
 * Reads wait up to a generous timeout.
 */
public final class RawClient implements AutoCloseable {

    /** A frame as read: opcode and payload. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
        socket.setSoTimeout(60_000);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public static RawClient upgraded(int port, String path) throws IOException {
        RawClient c = new RawClient(port);
        c.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        String head = c.readHead();
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("upgrade refused: " + head);
        }
        return c;
    }

    public void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** Writes one masked frame (mask key 0) with FIN and opcode as given. */
    public void frame(boolean fin, int opcode, byte[] payload) throws IOException {
        write(maskedFrame(fin, opcode, payload, 0));
    }

    /** The bytes of one client frame (RFC 6455 5.2), masked with {@code key} (5.3). */
    public static byte[] maskedFrame(boolean fin, int opcode, byte[] payload, int key) {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write((fin ? 0x80 : 0) | opcode);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else if (n < 65536) {
            f.write(0x80 | 126);
            f.write(n >>> 8);
            f.write(n);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) n >>> (8 * i)));
            }
        }
        byte[] k = {(byte) (key >>> 24), (byte) (key >>> 16), (byte) (key >>> 8), (byte) key};
        f.writeBytes(k);
        for (int i = 0; i < n; i++) {
            f.write(payload[i] ^ k[i & 3]);
        }
        return f.toByteArray();
    }

    public void text(String s) throws IOException {
        frame(true, 1, s.getBytes(StandardCharsets.UTF_8));
    }

    public void close(int code, String reason) throws IOException {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        frame(true, 8, p);
    }

    /** Reads the HTTP head (up to the blank line). */
    public String readHead() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("EOF in HTTP head: " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** Reads everything until the server closes (for plain HTTP responses with Connection: close). */
    public String readAll() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** How many bytes have arrived and are not read yet. */
    public int available() throws IOException {
        return in.available();
    }

    /** Reads one (unmasked) frame from the server. */
    public Frame readFrame() throws IOException {
        int b0 = readByte();
        int b1 = readByte();
        long n = b1 & 0x7F;
        if (n == 126) {
            n = (readByte() << 8) | readByte();
        } else if (n == 127) {
            n = 0;
            for (int i = 0; i < 8; i++) {
                n = (n << 8) | readByte();
            }
        }
        byte[] p = in.readNBytes((int) n);
        if (p.length != n) {
            throw new EOFException("EOF in frame payload");
        }
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, p);
    }

    /** Whether the server closed TCP (read returns EOF) within the read timeout. */
    public boolean awaitEof() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by peer counts as closed
        }
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("EOF");
        }
        return b;
    }

    /** Drops TCP with a reset, no close frame: the peer "vanishes". */
    public void vanish() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
