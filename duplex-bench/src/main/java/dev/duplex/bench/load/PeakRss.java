package dev.duplex.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The highest resident set size ({@code VmRSS}) of a process while a workload runs, sampled every
 * 50 ms from {@code /proc} on a thread of its own; 0 where {@code /proc} is missing.
 */
final class PeakRss implements AutoCloseable {
    private final Path status;
    private final Thread sampler;
    private volatile boolean stop;
    private volatile long peak;

    PeakRss(long pid) {
        this.status = Path.of("/proc", Long.toString(pid), "status");
        this.sampler = Thread.ofPlatform().daemon().name("rss-" + pid).start(this::sample);
    }

    private void sample() {
        while (!stop) {
            peak = Math.max(peak, rss(status));
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The peak so far, in bytes. */
    long peak() {
        return Math.max(peak, rss(status));
    }

    /** {@code VmRSS} of a {@code /proc/PID/status} file, in bytes; 0 when unreadable. */
    static long rss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone, or there is no /proc
        }
        return 0;
    }

    @Override
    public void close() {
        stop = true;
        sampler.interrupt();
    }
}
