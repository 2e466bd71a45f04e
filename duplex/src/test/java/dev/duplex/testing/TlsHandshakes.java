package dev.duplex.testing;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole {@code wss} connection lives from a JDK {@code SSLSocket} (TLS 1.3, the upgrade, a close frame
 * both ways, TCP close), and the session tickets a client context holds: what resumption tests need.
 */
public final class TlsHandshakes {
    private TlsHandshakes() {}

    /** The ids of the sessions {@code client} could resume (one per ticket it was given). */
    public static List<String> ticketIds(SSLContext client) {
        List<String> out = new ArrayList<>();
        for (byte[] id : Collections.list(client.getClientSessionContext().getIds())) {
            out.add(HexFormat.of().formatHex(id));
        }
        return out;
    }

    /**
     * Two connection lives from {@code client}: the first full, the second resumed with the ticket the
     * first was given (its session is the ticket's: the client took it out of its cache to offer it and
     * the server accepted it; a full handshake would have made a new one). Returns the second session.
     */
    public static SSLSession assertResumes(SSLContext client, InetSocketAddress address) throws IOException {
        SSLSession first = upgradeAndClose(client, address);
        assertThat(first.getProtocol()).isEqualTo("TLSv1.3");
        List<String> tickets = ticketIds(client);
        assertThat(tickets).as("sessions the client may resume").isNotEmpty();
        SSLSession second = upgradeAndClose(client, address);
        assertThat(tickets).contains(HexFormat.of().formatHex(second.getId()));
        assertThat(second.getCreationTime()).isEqualTo(first.getCreationTime());
        return second;
    }

    /** TLS 1.3, the upgrade, a close frame and the server's answer, TCP close; the session it used. */
    public static SSLSession upgradeAndClose(SSLContext ctx, InetSocketAddress address) throws IOException {
        Socket tcp = new Socket();
        tcp.connect(address, 5_000);
        tcp.setSoTimeout(10_000);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(tcp, "localhost", address.getPort(), true)) {
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.3"});
            s.setSSLParameters(p);
            s.startHandshake();
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Reading the 101 also reads the ticket, which the server sends before it.
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ");
            out.write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xE8});
            out.flush();
            byte[] close = in.readNBytes(4);
            assertThat(close).containsExactly(0x88, 0x02, 0x03, 0xE8);
            assertThat(in.read()).isEqualTo(-1);
            return s.getSession();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the response head");
            }
            head.write(b);
            String s = head.toString(StandardCharsets.ISO_8859_1);
            if (s.endsWith("\r\n\r\n")) {
                return s;
            }
        }
    }
}
