package dev.duplex.bench.load;

import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Memory of a server process after a full GC: resident set size from {@code /proc/<pid>/status}
 * (VmRSS) and the live heap, read over JMX (JVMs, attached through the Attach API) or from the Node
 * peer's {@code /stats} endpoint.
 */
abstract sealed class MemoryProbe implements AutoCloseable {
    /** Bytes; {@code heap} is the live heap after a full collection. */
    record Sample(long rss, long heap) {}

    final long pid;

    private MemoryProbe(long pid) {
        this.pid = pid;
    }

    abstract Sample sample() throws IOException;

    /**
     * Whether the heap is outside the RSS delta. True for the JVMs, whose heaps are pre-touched
     * (-XX:+AlwaysPreTouch, -Xms = -Xmx), so heap growth never shows in RSS; false for Node, whose
     * V8 heap grows into RSS.
     */
    abstract boolean heapSeparate();

    @Override
    public void close() throws IOException {
    }

    static MemoryProbe jvm(long pid) throws IOException {
        return new Jvm(pid);
    }

    static MemoryProbe node(long pid, int port) {
        return new Node(pid, port);
    }

    long rss() throws IOException {
        String status = Files.readString(Path.of("/proc", Long.toString(pid), "status"));
        Matcher m = Pattern.compile("VmRSS:\\s+(\\d+) kB").matcher(status);
        if (!m.find()) {
            throw new IOException("no VmRSS for pid " + pid);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    private static final class Jvm extends MemoryProbe {
        private final JMXConnector connector;
        private final MemoryMXBean memory;

        Jvm(long pid) throws IOException {
            super(pid);
            String url;
            try {
                VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
                try {
                    url = vm.startLocalManagementAgent();
                } finally {
                    vm.detach();
                }
            } catch (com.sun.tools.attach.AttachNotSupportedException e) {
                throw new IOException("cannot attach to pid " + pid + ": " + e.getMessage(), e);
            }
            connector = JMXConnectorFactory.connect(new JMXServiceURL(url));
            memory = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        }

        @Override
        Sample sample() throws IOException {
            memory.gc();
            memory.gc();
            return new Sample(rss(), memory.getHeapMemoryUsage().getUsed());
        }

        @Override
        boolean heapSeparate() {
            return true;
        }

        @Override
        public void close() throws IOException {
            connector.close();
        }
    }

    private static final class Node extends MemoryProbe {
        private final int port;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        Node(long pid, int port) {
            super(pid);
            this.port = port;
        }

        @Override
        Sample sample() throws IOException {
            try {
                String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/stats")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher m = Pattern.compile("\"heapUsed\":(\\d+)").matcher(body);
                if (!m.find()) {
                    throw new IOException("bad /stats answer: " + body);
                }
                return new Sample(rss(), Long.parseLong(m.group(1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }

        @Override
        boolean heapSeparate() {
            return false;
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
