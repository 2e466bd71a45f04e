package dev.duplex.transport;

import dev.duplex.testing.TestCertificates;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS sessions driven against each other in memory: no sockets. */
class TlsSessionTest {

    private static TlsSession server(TestCertificates certs) {
        SSLEngine e = certs.serverContext().createSSLEngine();
        e.setUseClientMode(false);
        return new TlsSession(e);
    }

    private static TlsSession client(TestCertificates trusted, String host) {
        SSLEngine e = trusted.clientContext().createSSLEngine(host, 443);
        e.setUseClientMode(true);
        SSLParameters p = e.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        e.setSSLParameters(p);
        return new TlsSession(e);
    }

    /** Moves each side's pending network bytes to the other until both are idle. */
    private static void pump(TlsSession a, TlsSession b) throws SSLException {
        for (int i = 0; i < 100; i++) {
            boolean moved = transfer(a, b) | transfer(b, a);
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("TLS did not settle");
    }

    private static boolean transfer(TlsSession from, TlsSession to) throws SSLException {
        ByteBuffer out = from.netOut().flip();
        boolean any = out.hasRemaining();
        ByteBuffer copy = ByteBuffer.allocate(out.remaining()).put(out).flip();
        from.netOut().clear();
        if (any) {
            feed(to, copy);
        }
        return any;
    }

    /** What each session decrypted and the test has not read yet. */
    private static final java.util.Map<TlsSession, java.io.ByteArrayOutputStream> PLAIN = new java.util.IdentityHashMap<>();

    /** Network bytes into {@code to}, its plaintext collected through a small buffer, as the loop does. */
    private static void feed(TlsSession to, ByteBuffer net) throws SSLException {
        ByteBuffer dst = ByteBuffer.allocateDirect(40 * 1024); // a couple of records per call
        boolean more;
        do {
            more = to.unwrap(net, dst.clear());
            dst.flip();
            byte[] b = new byte[dst.remaining()];
            dst.get(b);
            PLAIN.computeIfAbsent(to, k -> new java.io.ByteArrayOutputStream()).writeBytes(b);
        } while (more);
        assertThat(net.hasRemaining()).as("every network byte taken (a partial record is kept inside)").isFalse();
    }

    private static String drainApp(TlsSession s) {
        java.io.ByteArrayOutputStream b = PLAIN.remove(s);
        return b == null ? "" : b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aHandshakeFitsTheOutputBufferWithoutGrowingIt() throws Exception {
        TestCertificates certs = TestCertificates.get();
        TlsSession s = server(certs);
        TlsSession c = client(certs, "localhost");
        int serverOut = s.netOut().capacity();
        int clientOut = c.netOut().capacity();
        s.begin();
        c.begin();
        pump(c, s);
        assertThat(s.handshakeDone()).isTrue();
        // The server's flight (hello, certificate, signature, finished) and its ticket, the client's
        // hello and finished: each fits beside a packet's worth of room.
        assertThat(s.netOut().capacity()).isEqualTo(serverOut);
        assertThat(c.netOut().capacity()).isEqualTo(clientOut);
    }

    @Test
    void handshakeThenDataBothWays() throws Exception {
        TestCertificates certs = TestCertificates.get();
        TlsSession s = server(certs);
        TlsSession c = client(certs, "localhost");
        s.begin();
        c.begin();
        pump(c, s);
        assertThat(c.handshakeDone()).isTrue();
        assertThat(s.handshakeDone()).isTrue();

        ByteBuffer[] msg = {ByteBuffer.wrap("hello ".getBytes()), ByteBuffer.wrap("server".getBytes())};
        assertThat(c.wrap(msg, 0, 2)).isEqualTo(12);
        pump(c, s);
        assertThat(drainApp(s)).isEqualTo("hello server");

        byte[] big = new byte[200_000];
        java.util.Arrays.fill(big, (byte) 'x');
        ByteBuffer[] bigMsg = {ByteBuffer.wrap(big)};
        long sent = 0;
        StringBuilder got = new StringBuilder();
        while (bigMsg[0].hasRemaining()) {
            sent += s.wrap(bigMsg, 0, 1);
            pump(s, c);
            got.append(drainApp(c));
        }
        assertThat(sent).isEqualTo(big.length);
        assertThat(got.length()).isEqualTo(big.length);
    }

    @Test
    void recordsSplitAcrossReadsAreKeptUntilWholeAndNothingMore() throws Exception {
        TestCertificates certs = TestCertificates.get();
        TlsSession s = server(certs);
        TlsSession c = client(certs, "localhost");
        s.begin();
        c.begin();
        pump(c, s);
        byte[] data = new byte[100_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        ByteBuffer[] msg = {ByteBuffer.wrap(data)};
        java.io.ByteArrayOutputStream net = new java.io.ByteArrayOutputStream();
        while (msg[0].hasRemaining()) {
            c.wrap(msg, 0, 1);
            ByteBuffer out = c.netOut().flip();
            byte[] b = new byte[out.remaining()];
            out.get(b);
            net.writeBytes(b);
            c.netOut().clear();
        }
        byte[] wire = net.toByteArray();
        int[] sizes = {1, 7, 4_096, 5, 16_709, 16_710, 30_000, 3};
        for (int at = 0, i = 0; at < wire.length; i++) {
            int n = Math.min(sizes[i % sizes.length], wire.length - at);
            feed(s, ByteBuffer.wrap(wire, at, n)); // a read that ends inside a record
            at += n;
        }
        assertThat(drainApp(s)).isEqualTo(new String(data, StandardCharsets.US_ASCII));
    }

    @Test
    void untrustedCertificateFailsTheHandshake() throws Exception {
        TlsSession s = server(TestCertificates.get());
        TlsSession c = client(TestCertificates.forOtherHost(), "localhost");   // trusts a different cert
        s.begin();
        c.begin();
        assertThatThrownBy(() -> pump(c, s)).isInstanceOf(SSLException.class);
        assertThat(c.handshakeDone()).isFalse();
    }

    @Test
    void hostnameMismatchFailsTheHandshake() throws Exception {
        TestCertificates certs = TestCertificates.get();   // issued for localhost / 127.0.0.1
        TlsSession s = server(certs);
        TlsSession c = client(certs, "not-localhost.example");
        s.begin();
        c.begin();
        assertThatThrownBy(() -> pump(c, s)).isInstanceOf(SSLException.class);
    }
}
