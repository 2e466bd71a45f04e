package dev.duplex.app;

import dev.duplex.BinaryType;
import dev.duplex.CloseEvent;
import dev.duplex.MessageEvent;
import dev.duplex.WebSocket;
import dev.duplex.WebSocketOptions;
import dev.duplex.protocol.Limits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

@Command(name = "client", mixinStandardHelpOptions = true,
        description = {"Terminal client, like wscat: lines out, messages in.",
                "Each line typed is sent as a text message, "
                + "each message received is printed after '< '. Ctrl-D closes with 1000.",
                "With --reconnect it comes back after the server goes away (backoff with jitter, "
                + "lines typed meanwhile are held) until Ctrl-D or a close code that means \"do not come back\".",
                "Exit status: 0 after a clean close, 1 when the connection failed or ended abnormally."})
final class ClientCommand implements Callable<Integer> {

    @Parameters(paramLabel = "URL", description = "ws:// or wss:// URL to connect to.")
    String url;

    @Option(names = {"-p", "--protocol"}, paramLabel = "PROTOCOL",
            description = "Subprotocol to offer (repeatable).")
    List<String> protocols = new ArrayList<>();

    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
            description = "Extra header for the opening handshake (repeatable).")
    List<String> headers = new ArrayList<>();

    @Option(names = {"-b", "--binary"}, description = "Send typed lines as binary messages.")
    boolean binary;

    @Option(names = {"-k", "--insecure"},
            description = "wss: accept any certificate and host name (for self-signed test servers).")
    boolean insecure;

    @Option(names = {"-x", "--execute"}, paramLabel = "MESSAGE",
            description = "Send MESSAGE, print the first reply as it is, close with 1000 and exit.")
    String execute;

    @Option(names = "--echo",
            description = "Send every message received back (text as text, binary as binary) until the "
                    + "connection closes, then exit. Prints nothing but the close.")
    boolean echo;

    @Option(names = "--reconnect",
            description = "Reconnect when the connection drops or the server goes away (1001, 1006, 1011-1014), "
                    + "with exponential backoff and full jitter; keep-alive pings find dead peers.")
    boolean reconnect;

    @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "0",
            description = "With --reconnect: give up after N failed attempts in a row (default: never).")
    int maxAttempts;

    @Option(names = "--no-deflate", description = "Do not offer permessage-deflate.")
    boolean noDeflate;

    @Option(names = "--max-message", paramLabel = "SIZE", converter = ByteSize.class,
            description = "Largest message accepted from the server (default: the library's, as "
                    + "new WebSocket(url): 100MiB).")
    Long maxMessage;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds to wait for the connection, the --execute reply and the closing handshake "
                    + "(default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (execute != null && echo) {
            System.err.println("duplex client: --execute and --echo cannot be combined");
            return 2;
        }
        if (reconnect) {
            if (execute != null) {
                System.err.println("duplex client: --execute and --reconnect cannot be combined");
                return 2;
            }
            return new ReconnectingSession(url, options(), maxAttempts, echo, binary,
                    Duration.ofSeconds(timeoutSeconds)).run();
        }
        WebSocket ws;
        try {
            ws = new WebSocket(url, options());
        } catch (RuntimeException e) {
            System.err.println("duplex client: " + url + ": " + e.getMessage());
            return 2;
        }
        CompletableFuture<CloseEvent> closed = new CompletableFuture<>();
        ws.setOnclose(closed::complete);
        Inbox<MessageEvent> inbox = new Inbox<>();
        if (echo) {
            ws.setBinaryType(BinaryType.ARRAYBUFFER);
            ws.setOnmessage(e -> echoBack(ws, e));
        } else {
            ws.setOnmessage(inbox::accept);
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        if (!ws.awaitOpen(timeout)) {
            ws.close();
            CloseEvent close = ws.awaitClose(timeout);
            System.err.println("duplex client: cannot connect to " + url + ": "
                    + (close == null ? "no answer in " + timeoutSeconds + " s" : describeFailure(close)));
            return 1;
        }
        if (echo) {
            return report(closed.get());
        }
        if (execute != null) {
            return executeOnce(ws, inbox, closed, timeout);
        }
        return new Interactive(Peer.of(ws), inbox, new Inbox<>(), closed, binary, timeout).run();
    }

    private WebSocketOptions options() throws GeneralSecurityException {
        WebSocketOptions.Builder b = WebSocketOptions.builder()
                .protocols(protocols)
                .connectTimeout(Duration.ofSeconds(timeoutSeconds))
                .perMessageDeflate(!noDeflate);
        if (maxMessage != null) {
            // Room to echo back the largest message while the one before is still queued.
            b.limits(Limits.CLIENT.withMaxMessageSize(maxMessage).withMaxFrameSize(maxMessage))
                    .maxBufferedAmount(Math.max(WebSocketOptions.DEFAULT_MAX_BUFFERED_AMOUNT, 2 * maxMessage));
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--header wants 'Name: value', got '" + header + "'");
            }
            b.header(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        if (insecure) {
            // The trust manager below also skips the host name check (an X509ExtendedTrustManager
            // does endpoint identification itself, and this one does none).
            b.sslContext(trustEverything());
        }
        return b.build();
    }

    private int executeOnce(WebSocket ws, Inbox<MessageEvent> inbox, CompletableFuture<CloseEvent> closed, Duration timeout)
            throws InterruptedException, ExecutionException {
        CompletableFuture<MessageEvent> reply = new CompletableFuture<>();
        if (binary) {
            ws.send(execute.getBytes(StandardCharsets.UTF_8));
        } else {
            ws.send(execute);
        }
        // The first message after ours; one the server sent on its own before it (a greeting)
        // would be taken instead, as wscat -x does.
        inbox.deliverTo(reply::complete);
        try {
            MessageEvent m = CompletableFuture.anyOf(reply, closed)
                    .get(timeout.toSeconds(), TimeUnit.SECONDS) instanceof MessageEvent e ? e : null;
            if (m == null) {
                System.err.println("duplex client: closed before a reply: " + describe(closed.get()));
                return 1;
            }
            if (m.isText()) {
                System.out.println(m.text());
            } else {
                System.out.println(binaryLine(m.bytes()));
            }
        } catch (TimeoutException e) {
            System.err.println("duplex client: no reply in " + timeout.toSeconds() + " s");
            ws.close(1000);
            return 1;
        }
        ws.close(1000);
        CloseEvent close = ws.awaitClose(timeout);
        return close != null && close.wasClean() ? 0 : report(close);
    }

    private static void echoBack(WebSocket ws, MessageEvent e) {
        if (ws.readyState() != WebSocket.OPEN) {
            return;
        }
        if (e.data() instanceof String text) {
            ws.send(text);
        } else {
            ws.send((ByteBuffer) e.data());
        }
    }

    /** Prints how the connection ended to stderr; the exit status. */
    static int report(CloseEvent close) {
        if (close == null) {
            System.err.println("Closing handshake not finished in time.");
            return 1;
        }
        System.err.println(describe(close));
        return close.wasClean() ? 0 : 1;
    }

    static String describe(CloseEvent close) {
        if (!close.wasClean() && close.cause() != null) {
            return describeFailure(close);
        }
        return "Closed " + (close.wasClean() ? "" : "abnormally ") + "with code " + close.code()
                + (close.reason().isEmpty() ? "" : ", reason \"" + close.reason() + "\"");
    }

    static String describeFailure(CloseEvent close) {
        StringBuilder why = new StringBuilder("connection failed (code " + close.code() + ")");
        for (Throwable t = close.cause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && why.indexOf(t.getMessage()) < 0) {
                why.append(": ").append(t.getMessage());
            }
        }
        return why.toString();
    }

    /** How a binary message is shown: its size and the first bytes in hex. */
    static String binaryLine(byte[] bytes) {
        int shown = Math.min(bytes.length, 32);
        return "[binary, " + bytes.length + " bytes] " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, shown)
                + (shown < bytes.length ? " …" : "");
    }

    /** --insecure: trusts any certificate (the endpoint check is off too). */
    private static SSLContext trustEverything() throws GeneralSecurityException {
        TrustManager trustAll = new X509ExtendedTrustManager() {
            @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
            @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
            @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}
            @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}
            @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}
            @Override public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {trustAll}, null);
        return context;
    }
}
