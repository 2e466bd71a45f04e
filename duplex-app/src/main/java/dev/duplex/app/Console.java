package dev.duplex.app;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

/** What the server apps print, and how they stop on Ctrl-C. */
final class Console {

    private Console() {}

    static void serving(String title, RunningServer running, ServerSettings settings, String[][] lines) {
        PrintStream out = System.out;
        out.println(title + " listening on " + settings.host() + ":" + running.port());
        for (String[] line : lines) {
            out.printf("  %-7s %s%n", line[0] + ":", line[1]);
        }
        out.printf("  %-7s %shealth  %sready  %smetrics%n", "ops:", running.httpUrl(), running.httpUrl(),
                running.httpUrl());
        int cap = settings.effectiveMaxConnections();
        out.printf("  %-7s max message %s, %s, permessage-deflate %s, %s, %d event loops%n", "config:",
                ByteSize.format(settings.maxMessage()), cap == 0 ? "no connection cap" : "at most " + cap + " connections",
                settings.deflate() ? "on" : "off",
                settings.tls() ? "TLS from " + settings.keystore() + " on " + settings.tlsEngine().describe() : "no TLS",
                Runtime.getRuntime().availableProcessors());
        out.println("Ctrl-C or SIGTERM drains: /ready says 503, every connection gets 1001 (going away), "
                + "up to " + TimeSpan.format(settings.drainTimeout()) + " for them to close.");
        out.flush();
    }

    /** Blocks until the JVM is asked to stop (Ctrl-C, SIGTERM), then stops the server gracefully. */
    static void runUntilStopped(RunningServer running) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println();
            System.out.println("Draining: " + running.connections() + " open connection(s) get 1001, up to "
                    + TimeSpan.format(running.drainTimeout()) + " ...");
            System.out.flush();
            int dropped = running.drain();
            System.out.println("Stopped (" + dropped + " connection(s) dropped at the deadline).");
            System.out.flush();
            stopped.countDown();
        }, "duplex-shutdown"));
        stopped.await();
    }
}
