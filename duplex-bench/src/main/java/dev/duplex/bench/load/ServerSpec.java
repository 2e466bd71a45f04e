package dev.duplex.bench.load;

import java.util.List;

/**
 * A server under test: how to start it, and what it takes part in.
 *
 * @param id       short name used on the command line ({@code --servers netty-nio,...})
 * @param label    name in the report
 * @param node     a Node script (else a Java main class in the benchmarks jar)
 * @param program  main class, or script path relative to the repository root
 * @param args     extra arguments before {@code --port 0}
 * @param raw      a plain TCP echo: no handshake, echoes the client's masked frames as they are
 * @param chat     a broadcast (chat-room) server rather than an echo server
 * @param tls      serves {@code wss} with the run's {@link TestCertificate} (given {@code --keystore})
 */
record ServerSpec(String id, String label, boolean node, String program, List<String> args, boolean raw, boolean chat,
                  boolean tls) {
    static ServerSpec java(String id, String label, String mainClass, String... args) {
        return new ServerSpec(id, label, false, mainClass, List.of(args), false, false, false);
    }

    static ServerSpec chatJava(String id, String label, String mainClass, String... args) {
        return new ServerSpec(id, label, false, mainClass, List.of(args), false, true, false);
    }

    static ServerSpec tlsJava(String id, String label, String mainClass, String... args) {
        return new ServerSpec(id, label, false, mainClass, List.of(args), false, false, true);
    }

    ServerSpec asRaw() {
        return new ServerSpec(id, label, node, program, args, true, chat, tls);
    }

    static ServerSpec nodeScript(String id, String label, String script, boolean chat, String... args) {
        return new ServerSpec(id, label, true, script, List.of(args), false, chat, false);
    }
}
