package dev.duplex.app;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The options every server subcommand takes (a picocli mixin). */
public final class ServerOptions {

    /** {@code --deflate on|off}. */
    public enum Switch { on, off }

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "TCP port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--tls-keystore", paramLabel = "FILE",
            description = "PKCS#12 or JKS key store with the server's certificate: serve https and wss.")
    Path tlsKeystore;

    @Option(names = "--tls-password", paramLabel = "PASSWORD", interactive = false,
            description = "Password of the key store (also read from $DUPLEX_TLS_PASSWORD).")
    String tlsPassword;

    @Option(names = "--tls-engine", paramLabel = "auto|boringssl|jdk", defaultValue = "auto",
            description = "TLS implementation: BoringSSL (native, through Conscrypt) or the JDK's SSLEngine; auto "
                    + "takes BoringSSL where it loads (Linux, macOS, Windows on x86-64) (default: ${DEFAULT-VALUE}).")
    TlsEngine tlsEngine;

    @Option(names = "--deflate", paramLabel = "on|off", defaultValue = "on",
            description = "Negotiate permessage-deflate (RFC 7692) when a client offers it "
                    + "(default: ${DEFAULT-VALUE}).")
    Switch deflate;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "-1",
            description = "Most connections open at once; one more is closed as soon as it is accepted "
                    + "(default: the process's open-file limit less 128; 0: no cap).")
    int maxConnections;

    @Option(names = "--allow-origin", paramLabel = "ORIGIN", split = ",",
            description = "Web pages from these origins may connect (e.g. http://localhost:3000; repeatable or "
                    + "comma-separated; * for any page; null for pages opened from files). Default: echo accepts "
                    + "any page, chat only pages from its own host (cross-site WebSocket hijacking).")
    List<String> allowOrigin = new ArrayList<>();

    @Option(names = "--drain-timeout", paramLabel = "DURATION", defaultValue = "5s", converter = TimeSpan.class,
            description = "On SIGTERM (or Ctrl-C): /ready answers 503, new WebSockets are refused with 503, open "
                    + "ones get 1001, and the server waits this long for their closing handshakes before "
                    + "dropping the rest (default: ${DEFAULT-VALUE}; e.g. 500ms, 30s, 2m).")
    Duration drainTimeout;

    public int port() {
        return port;
    }

    public String host() {
        return host;
    }

    public Path tlsKeystore() {
        return tlsKeystore;
    }

    public char[] tlsPassword() {
        String p = tlsPassword != null ? tlsPassword : System.getenv("DUPLEX_TLS_PASSWORD");
        return p == null ? new char[0] : p.toCharArray();
    }

    public boolean deflate() {
        return deflate == Switch.on;
    }

    ServerSettings settings(long maxMessage) {
        return new ServerSettings(host, port, tlsKeystore, tlsPassword(), deflate(), maxMessage, maxConnections,
                allowOrigin, drainTimeout, tlsEngine);
    }
}
