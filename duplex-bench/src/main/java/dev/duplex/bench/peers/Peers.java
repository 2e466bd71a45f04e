package dev.duplex.bench.peers;

/** What every benchmark server shares: its command line and the line that says it is ready. */
final class Peers {
    /** Message and frame limit given to every server: above the largest workload (16 MiB). */
    static final int MAX_MESSAGE = 64 << 20;

    private Peers() {}

    /** {@code --port N} (0, the default, binds an ephemeral port). */
    static int port(String[] args) {
        return Integer.parseInt(option(args, "--port", "0"));
    }

    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }

    /**
     * Logging off: the peers' own loggers (Netty falls back to java.util.logging when SLF4J has
     * only the no-op binding) would otherwise report every reset connection.
     */
    static void quiet() {
        java.util.logging.LogManager.getLogManager().reset();
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.OFF);
    }

    /** The runner waits for this exact line on standard output. */
    static void ready(int port) {
        System.out.println("LISTENING " + port);
        System.out.flush();
    }

    static int threads() {
        return Runtime.getRuntime().availableProcessors();
    }
}
