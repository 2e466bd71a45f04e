package dev.duplex.bench.load;

import dev.duplex.server.WebSocketServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A handshake-rate driver for profiling the server side of {@code ws} and {@code wss} handshakes
 * in one JVM: a Duplex echo server (one loop, permessage-deflate off; with {@code --tls}, TLS 1.3
 * with TLS_AES_128_GCM_SHA256 and an EC P-256 certificate made at run time) and client threads that
 * each repeat, on blocking sockets: connect, (TLS), the upgrade, a close frame and the server's
 * answer, TCP close. With {@code --resume} a reconnecting client offers the ticket of its last
 * session; without it each connection is a full handshake (the clients' one {@link SSLContext} finds
 * no session to resume: each connection names a different peer host).
 *
 * <pre>
 * java -XX:StartFlightRecording=filename=hs.jfr -cp benchmarks.jar dev.duplex.bench.load.HandshakeProfile --tls --seconds 20
 * </pre>
 * Profile the {@code duplex-server} threads only: the clients share the process. Prints handshakes per
 * second, the server loops' CPU time and allocation per handshake (the figures that do not depend on
 * the clients' pace), and with TLS how many sessions were resumed.
 */
public final class HandshakeProfile {

    private static final char[] PASSWORD = TestCertificate.PASSWORD.toCharArray();
    private static final byte[] CLOSE_FRAME = {(byte) 0x88, (byte) 0x82, 1, 2, 3, 4, 0x03 ^ 1, (byte) (0xE8 ^ 2)};

    private static final AtomicLong NEXT_HOST = new AtomicLong();

    private HandshakeProfile() {
    }

    public static void main(String[] args) throws Exception {
        boolean tls = has(args, "--tls");
        boolean resume = has(args, "--resume");
        int seconds = Integer.parseInt(option(args, "--seconds", "10"));
        int clients = Integer.parseInt(option(args, "--clients", "4"));
        int loops = Integer.parseInt(option(args, "--loops", "1"));

        SSLContext serverCtx = null;
        Path keystore = null;
        if (tls) {
            Path dir = Files.createTempDirectory("duplex-hs");
            dir.toFile().deleteOnExit();
            keystore = TestCertificate.generate(dir.resolve("server.p12"));
            keystore.toFile().deleteOnExit();
            serverCtx = context(keystore, true);
        }
        WebSocketServer.Builder b = WebSocketServer.builder().bindAddress("127.0.0.1").port(0)
                .threads(loops).permessageDeflate(false)
                .route("/", dev.duplex.server.WebSocketHandler.echo());
        if (tls) {
            b.tls(serverCtx);
        }
        WebSocketServer server = b.build().start();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", server.port());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong resumed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        SSLContext shared = tls ? context(keystore, false) : null;
                List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().name("hs-client-" + i).start(() -> {
                while (!stop.get()) {
                    try {
                        if (handshake(address, shared, resume)) {
                            resumed.incrementAndGet();
                        }
                        done.incrementAndGet();
                    } catch (IOException e) {
                        if (failed.incrementAndGet() < 5) {
                            e.printStackTrace();
                        }
                    }
                }
            }));
        }
        long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.min(3, seconds / 3));
        while (System.nanoTime() < warm) {
            Thread.sleep(100);
        }
        long start = done.get();
        long startResumed = resumed.get();
        long alloc0 = serverAllocatedBytes();
        long cpu0 = serverCpuNanos(false);
        long user0 = serverCpuNanos(true);
        long t0 = System.nanoTime();
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
        long n = done.get() - start;
        long cpu = serverCpuNanos(false) - cpu0;
        long user = serverCpuNanos(true) - user0;
        long alloc = serverAllocatedBytes() - alloc0;
        long r = resumed.get() - startResumed;
        double secs = (System.nanoTime() - t0) / 1e9;
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("%s%s: %.0f handshakes/s (%d in %.1f s), server loop CPU %.1f us per handshake "
                        + "(%.1f user), %.0f B allocated per handshake, resumed %d, failed %d%n",
                tls ? "wss" : "ws", resume ? " resume" : "", n / secs, n, secs, cpu / 1e3 / Math.max(1, n),
                user / 1e3 / Math.max(1, n), (double) alloc / Math.max(1, n), r,
                failed.get());
        server.close();
    }

    /** CPU time (user and system, or user only) of the server's event loop threads so far. */
    private static long serverCpuNanos(boolean userOnly) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("duplex-server")) {
                sum += Math.max(0, userOnly ? mx.getThreadUserTime(t.threadId()) : mx.getThreadCpuTime(t.threadId()));
            }
        }
        return sum;
    }

    /** Bytes the server's event loop threads have allocated so far. */
    private static long serverAllocatedBytes() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("duplex-server")) {
                sum += Math.max(0, mx.getThreadAllocatedBytes(t.threadId()));
            }
        }
        return sum;
    }

    /** One handshake; true when TLS resumed a session. */
    private static boolean handshake(InetSocketAddress address, SSLContext ctx, boolean resume) throws IOException {
        long began = System.currentTimeMillis();
        Socket s = new Socket();
        try (s) {
            s.setTcpNoDelay(true);
            s.connect(address);
            if (ctx == null) {
                exchange(s.getInputStream(), s.getOutputStream(), address);
                return false;
            }
            // The client caches sessions by peer host and port: a host name of its own each time
            // (sent as SNI, which the server ignores) is a full handshake.
            String host = resume ? "localhost" : "c" + NEXT_HOST.getAndIncrement() + ".localhost";
            try (SSLSocket t = (SSLSocket) ctx.getSocketFactory().createSocket(s, host, address.getPort(), true)) {
                SSLParameters p = t.getSSLParameters();
                p.setProtocols(new String[] {"TLSv1.3"});
                p.setCipherSuites(new String[] {"TLS_AES_128_GCM_SHA256"});
                t.setSSLParameters(p);
                t.startHandshake();
                exchange(t.getInputStream(), t.getOutputStream(), address);
                // A resumed session is a copy of the ticket's, which keeps the first session's creation time.
                return t.getSession().getCreationTime() < began;
            }
        }
    }

    /** The upgrade, our close frame, the server's close frame, then EOF. */
    private static void exchange(InputStream in, OutputStream out, InetSocketAddress address) throws IOException {
        String key = ClientHandshake.newKey();
        ByteBuffer req = ClientHandshake.request(address, "/", key);
        out.write(req.array(), req.position(), req.remaining());
        out.flush();
        ByteBuffer buf = ClientHandshake.responseBuffer();
        while (true) {
            int n = in.read(buf.array(), buf.position(), buf.remaining());
            if (n < 0) {
                throw new IOException("closed during the upgrade");
            }
            buf.position(buf.position() + n);
            if (ClientHandshake.responseComplete(buf, key)) {
                break;
            }
        }
        out.write(CLOSE_FRAME);
        out.flush();
        byte[] close = new byte[64];
        int got = 0;
        while (true) {
            int n = in.read(close, got, close.length - got);
            if (n < 0) {
                break;
            }
            got += n;
        }
        if (got != 4 || (close[0] & 0xff) != 0x88) {
            throw new IOException("expected the server's close frame, got " + got + " bytes");
        }
    }

    static SSLContext context(Path keystore, boolean server) throws GeneralSecurityException {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                ks.load(in, PASSWORD);
            }
            SSLContext ctx = SSLContext.getInstance("TLSv1.3");
            if (server) {
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, PASSWORD);
                ctx.init(kmf.getKeyManagers(), null, null);
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                ctx.init(null, tmf.getTrustManagers(), null);
            }
            return ctx;
        } catch (IOException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static boolean has(String[] args, String flag) {
        for (String a : args) {
            if (a.equals(flag)) {
                return true;
            }
        }
        return false;
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
