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

            SSLSession second = TlsHandshakes.assertResumes(client, address);

            // And each resumption hands out a new ticket, so a client can keep resuming.
            List<String> next = TlsHandshakes.ticketIds(client);
            assertThat(next).isNotEmpty().doesNotContainAnyElementsOf(List.of(HexFormat.of().formatHex(second.getId())));
            SSLSession third = TlsHandshakes.upgradeAndClose(client, address);
            assertThat(next).contains(HexFormat.of().formatHex(third.getId()));
        }
    }
}
