package dev.duplex.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the RFC 6455 opening handshake (section 4.1), done on a blocking channel.
 * Validates the 101 response as a browser would: status, {@code Upgrade}, {@code Connection} and
 * the exact {@code Sec-WebSocket-Accept}; refuses any negotiated extension (compression must be off).
 */
final class ClientHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final int MAX_RESPONSE_HEAD = 8192;

    private ClientHandshake() {}

    /** Connects, upgrades and returns the channel still in blocking mode, with TCP_NODELAY set. */
    static SocketChannel open(InetSocketAddress address, String path) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
            upgrade(ch, address, path);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static void upgrade(SocketChannel ch, InetSocketAddress address, String path) throws IOException {
        upgrade(Link.plain(ch), address, path);
    }

    /** The opening handshake over a link on a blocking channel (plain or TLS). */
    static void upgrade(Link link, InetSocketAddress address, String path) throws IOException {
        String key = newKey();
        link.writeFully(request(address, path, key));
        ByteBuffer buf = ByteBuffer.allocate(MAX_RESPONSE_HEAD);
        while (true) {
            if (link.read(buf) < 0) {
                throw new IOException("connection closed during the opening handshake");
            }
            if (responseComplete(buf, key)) {
                return;
            }
        }
    }

    /**
     * Connects (blocking, TCP_NODELAY) and upgrades; with {@code tls} the TLS handshake comes first,
     * and must have negotiated the pinned protocol and suite. The link's channel stays blocking.
     */
    static Link open(InetSocketAddress address, String path, GeneratorTls tls, boolean resume) throws IOException {
        return open(address, path, tls, resume, true);
    }

    /** As {@link #open(InetSocketAddress, String, GeneratorTls, boolean)}; without {@code upgrade}, TLS only (a raw echo). */
    static Link open(InetSocketAddress address, String path, GeneratorTls tls, boolean resume, boolean upgrade)
            throws IOException {
        SocketChannel ch = SocketChannel.open();
        Link link = null;
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
            if (tls == null) {
                link = Link.plain(ch);
            } else {
                TlsLink t = new TlsLink(ch, tls.newEngine(address, resume));
                link = t;
                t.handshake();
                GeneratorTls.checkNegotiated(t.engine);
            }
            if (upgrade) {
                upgrade(link, address, path);
            }
            return link;
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (link != null) {
                link.release();
            }
            throw e;
        }
    }

    /**
     * Connects and upgrades like {@link #open}, for a server that may speak first right after the 101 (the
     * chat room's welcome): returns the bytes read past the response head, the start of the first frames.
     */
    static SocketChannel open(InetSocketAddress address, String path, ByteBuffer[] rest) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
            String key = newKey();
            ByteBuffer req = request(address, path, key);
            while (req.hasRemaining()) {
                ch.write(req);
            }
            ByteBuffer buf = ByteBuffer.allocate(MAX_RESPONSE_HEAD);
            int end;
            while ((end = indexOfEndOfHead(buf.array(), buf.position())) < 0) {
                if (!buf.hasRemaining()) {
                    throw new IOException("handshake response head over " + MAX_RESPONSE_HEAD + " bytes");
                }
                if (ch.read(buf) < 0) {
                    throw new IOException("connection closed during the opening handshake");
                }
            }
            check(new String(buf.array(), 0, end, StandardCharsets.ISO_8859_1), key);
            rest[0] = ByteBuffer.wrap(buf.array(), end, buf.position() - end);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** RFC 6455 4.1: the upgrade request for {@code key}, ready to write. */
    static ByteBuffer request(InetSocketAddress address, String path, String key) {
        String request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + address.getHostString() + ":" + address.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n";
        return ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    }

    static ByteBuffer responseBuffer() {
        return ByteBuffer.allocate(MAX_RESPONSE_HEAD);
    }

    /**
     * Whether {@code buf} (in write mode, as filled by reads) holds the whole response head; if so
     * the head is validated. The server sends nothing after the 101 until the client speaks, so a
     * read never runs past the head; if one does, the handshake fails loudly rather than losing
     * frame bytes.
     */
    static boolean responseComplete(ByteBuffer buf, String key) throws IOException {
        int end = indexOfEndOfHead(buf.array(), buf.position());
        if (end < 0) {
            if (!buf.hasRemaining()) {
                throw new IOException("handshake response head over " + MAX_RESPONSE_HEAD + " bytes");
            }
            return false;
        }
        if (end != buf.position()) {
            throw new IOException("server sent bytes after the 101 before the client spoke");
        }
        check(new String(buf.array(), 0, end, StandardCharsets.ISO_8859_1), key);
        return true;
    }

    private static int indexOfEndOfHead(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static void check(String head, String key) throws IOException {
        String[] lines = head.split("\r\n");
        // RFC 6455 4.1: the status code must be 101.
        if (!lines[0].startsWith("HTTP/1.1 101")) {
            throw new IOException("expected 101, got: " + lines[0]);
        }
        boolean upgrade = false, connection = false, accept = false;
        String expected = acceptFor(key);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            switch (name) {
                case "upgrade" -> upgrade = value.equalsIgnoreCase("websocket");
                case "connection" -> connection = value.toLowerCase(Locale.ROOT).contains("upgrade");
                case "sec-websocket-accept" -> accept = value.equals(expected);
                case "sec-websocket-extensions" -> {
                    if (!value.isEmpty()) {
                        throw new IOException("server negotiated an extension the client did not offer: " + value);
                    }
                }
                default -> { }
            }
        }
        if (!upgrade || !connection || !accept) {
            throw new IOException("bad 101 (upgrade=" + upgrade + ", connection=" + connection
                    + ", accept=" + accept + "):\n" + head);
        }
    }

    static String acceptFor(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
