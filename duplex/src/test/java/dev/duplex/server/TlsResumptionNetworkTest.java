package dev.duplex.server;

import dev.duplex.testing.TestCertificates;
import dev.duplex.testing.TlsHandshakes;
import dev.duplex.transport.Leaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import java.net.InetSocketAddress;
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

            SSLSession first = TlsHandshakes.upgradeAndClose(client, address);
            assertThat(first.getProtocol()).isEqualTo("TLSv1.3");
            // The ticket came with the first connection: the client keeps it as a session of its own.
            List<String> tickets = TlsHandshakes.ticketIds(client);
            assertThat(tickets).as("sessions the client may resume").isNotEmpty();

            SSLSession second = TlsHandshakes.upgradeAndClose(client, address);
            // A resumed session is the ticket's (the client took it out of its cache to offer it, and the
            // server accepted it); a full handshake would have made a new one.
            assertThat(tickets).contains(HexFormat.of().formatHex(second.getId()));
            assertThat(second.getCreationTime()).isEqualTo(first.getCreationTime());

            // And each resumption hands out a new ticket, so a client can keep resuming.
            List<String> next = TlsHandshakes.ticketIds(client);
            assertThat(next).isNotEmpty().doesNotContainAnyElementsOf(List.of(HexFormat.of().formatHex(second.getId())));
            SSLSession third = TlsHandshakes.upgradeAndClose(client, address);
            assertThat(next).contains(HexFormat.of().formatHex(third.getId()));
        }
    }
}
