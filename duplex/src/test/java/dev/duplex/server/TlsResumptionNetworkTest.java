package dev.duplex.server;

import dev.duplex.testing.TestCertificates;
import dev.duplex.transport.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

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
 * TLS 1.3 session resumption (RFC 8446 2.2, 4.6.1): a Duplex server hands out a session ticket after
 * each full handshake, and a JDK client that reconnects with the same {@link SSLContext} resumes
 * with it (no certificate, no signature: the costly half of a {@code wss} handshake).
 */
class TlsResumptionNetworkTest {

    @AfterEach
    void nothingLeaks() {
        Leaks.assertNone();
    }

    @Test
    void aReconnectingJdkClientResumesWithTheServersTicket() throws Exception {
        TestCertificates certs = TestCertificates.get();
        try (WebSocketServer server = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .tls(certs.serverContext()).route("/", WebSocketHandler.echo()).build().start()) {
            SSLContext client = certs.clientContext();
            InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());

            SSLSession first = handshake(client, address);
            assertThat(first.getProtocol()).isEqualTo("TLSv1.3");
            // The ticket came with the first connection: the client keeps it as a session of its own.
            List<String> tickets = ids(client);
            assertThat(tickets).as("sessions the client may resume").isNotEmpty();

            SSLSession second = handshake(client, address);
            // A resumed session is the ticket's (the client took it out of its cache to offer it, and the
            // server accepted it); a full handshake would have made a new one.
            assertThat(tickets).contains(HexFormat.of().formatHex(second.getId()));
            assertThat(second.getCreationTime()).isEqualTo(first.getCreationTime());

            // And each resumption hands out a new ticket, so a client can keep resuming.
            List<String> next = ids(client);
            assertThat(next).isNotEmpty().doesNotContainAnyElementsOf(List.of(HexFormat.of().formatHex(second.getId())));
            SSLSession third = handshake(client, address);
            assertThat(next).contains(HexFormat.of().formatHex(third.getId()));
        }
    }

    private static List<String> ids(SSLContext client) {
        List<String> out = new ArrayList<>();
        for (byte[] id : Collections.list(client.getClientSessionContext().getIds())) {
            out.add(HexFormat.of().formatHex(id));
        }
        return out;
    }

    /** TLS, the upgrade, a close frame and the server's answer, TCP close; the session it used. */
    private static SSLSession handshake(SSLContext ctx, InetSocketAddress address) throws IOException {
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
