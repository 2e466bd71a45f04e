package dev.duplex;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A tiny hand-written server on a blocking {@link ServerSocket} for the peers a real server would never
 * be: a wrong accept key, a non-101 reply, a handshake that never ends, a raw frame writer for bad
 * frames. Each accepted connection runs {@code script} on its own thread; failures are kept for the test.
 */
final class RawServer implements AutoCloseable {

    /** What to do with one accepted connection. */
    @FunctionalInterface
    interface Script {
        void run(Conn c) throws Exception;
    }

    private final ServerSocket socket;
    final BlockingQueue<Throwable> failures = new LinkedBlockingQueue<>();
    final BlockingQueue<Conn> connections = new LinkedBlockingQueue<>();

    private RawServer(Script script) throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException e) {
                    return;
                }
                Conn c = new Conn(s);
                connections.add(c);
                Thread t = new Thread(() -> {
                    try (s) {
                        script.run(c);
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "raw-server-conn");
                t.setDaemon(true);
                t.start();
            }
        }, "raw-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static RawServer start(Script script) throws IOException {
        return new RawServer(script);
    }

    int port() {
        return socket.getLocalPort();
    }

    String url(String path) {
        return "ws://127.0.0.1:" + port() + path;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Conn c : connections) {
            c.socket.close();
        }
    }

    /** One accepted TCP connection, read and written byte by byte as the script says. */
    static final class Conn {
        final Socket socket;
        final InputStream in;
        final OutputStream out;
        String requestLine;
        final Map<String, String> headers = new LinkedHashMap<>();

        Conn(Socket socket) {
            this.socket = socket;
            try {
                this.in = socket.getInputStream();
                this.out = socket.getOutputStream();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Reads the HTTP request head; header names lower-cased, repeated headers joined with ", ". */
        Conn readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("request head cut short");
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            requestLine = lines[0];
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = lines[i].substring(colon + 1).trim();
                    headers.merge(name, value, (a, b) -> a + ", " + b);
                }
            }
            return this;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** RFC 6455 4.2.2: base64(SHA-1(key + GUID)). */
        String accept() throws Exception {
            return acceptFor(header("sec-websocket-key"));
        }

        static String acceptFor(String key) throws Exception {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(sha1);
        }

        /** A correct 101 response, plus {@code extraHeaders} (each "Name: value\r\n"). */
        Conn accept101(String extraHeaders) throws Exception {
            write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept() + "\r\n" + extraHeaders + "\r\n");
            return this;
        }

        Conn write(String s) throws IOException {
            return write(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        Conn write(byte[] b) throws IOException {
            out.write(b);
            out.flush();
            return this;
        }

        /** An unmasked server frame: first byte (FIN, RSV, opcode) as given, then length and payload. */
        Conn frame(int b0, byte[] payload) throws IOException {
            ByteArrayOutputStream f = new ByteArrayOutputStream();
            f.write(b0);
            if (payload.length < 126) {
                f.write(payload.length);
            } else if (payload.length < 65536) {
                f.write(126);
                f.write(payload.length >> 8);
                f.write(payload.length);
            } else {
                f.write(127);
                for (int i = 7; i >= 0; i--) {
                    f.write((int) ((long) payload.length >> (8 * i)));
                }
            }
            f.write(payload, 0, payload.length);
            return write(f.toByteArray());
        }

        Conn text(String s) throws IOException {
            return frame(0x81, s.getBytes(StandardCharsets.UTF_8));
        }

        Conn closeFrame(int code, String reason) throws IOException {
            byte[] r = reason.getBytes(StandardCharsets.UTF_8);
            byte[] p = new byte[2 + r.length];
            p[0] = (byte) (code >> 8);
            p[1] = (byte) code;
            System.arraycopy(r, 0, p, 2, r.length);
            return frame(0x88, p);
        }

        /** A frame from the client, unmasked. */
        record Frame(int b0, byte[] payload) {
            int opcode() {
                return b0 & 0x0f;
            }

            String text() {
                return new String(payload, StandardCharsets.UTF_8);
            }

            int closeCode() {
                return payload.length < 2 ? 1005 : (payload[0] & 0xff) << 8 | (payload[1] & 0xff);
            }
        }

        Frame readFrame() throws IOException {
            int b0 = readByte();
            int b1 = readByte();
            if ((b1 & 0x80) == 0) {
                throw new IOException("client frame not masked");
            }
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (long) readByte() << 8 | readByte();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = len << 8 | readByte();
                }
            }
            byte[] mask = in.readNBytes(4);
            byte[] payload = in.readNBytes((int) len);
            if (mask.length < 4 || payload.length < len) {
                throw new EOFException("frame cut short");
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i & 3];
            }
            return new Frame(b0, payload);
        }

        /** Reads frames until a close frame, which is returned. */
        Frame readUntilClose() throws IOException {
            while (true) {
                Frame f = readFrame();
                if (f.opcode() == 8) {
                    return f;
                }
            }
        }

        /** Echoes the client's close frame (code and reason) and closes TCP: the WPT echo_close_data. */
        void echoCloseAndEnd() throws IOException {
            Frame close = readUntilClose();
            frame(0x88, close.payload());
            socket.shutdownOutput();
            awaitEof();
        }

        /** Waits until the client closes TCP. */
        void awaitEof() throws IOException {
            try {
                while (in.read() >= 0) {
                    // discard
                }
            } catch (IOException e) {
                // reset by the client also counts
            }
        }

        private int readByte() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            return b;
        }
    }
}
