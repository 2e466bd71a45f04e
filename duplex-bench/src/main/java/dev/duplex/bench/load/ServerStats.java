package dev.duplex.bench.load;

import com.sun.tools.attach.VirtualMachine;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A server process's resources, read from outside it: the JVM's own MXBeans over a local JMX connection
 * (attached by pid, the way jcmd attaches) and {@code /proc/PID/fd}. Not from the app's /metrics.
 */
final class ServerStats implements AutoCloseable {

    /**
     * Heap left by a full GC, direct buffers, open descriptors, and platform threads other than the ones
     * this very JMX connection adds to the server (RMI, JMX).
     */
    record Snapshot(long heap, long direct, long directBuffers, long fds, int threads, List<String> threadNames) {
        String describe() {
            return String.format("heap %.1f MiB, direct %.1f MiB (%d buffers), %d fds, %d threads",
                    heap / 1048576.0, direct / 1048576.0, directBuffers, fds, threads);
        }
    }

    private final long pid;
    private final JMXConnector connector;
    private final MemoryMXBean memory;
    private final List<MemoryPoolMXBean> heapPools;
    private final BufferPoolMXBean direct;
    private final ThreadMXBean threads;

    private ServerStats(long pid) throws IOException {
        this.pid = pid;
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
        var server = connector.getMBeanServerConnection();
        memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME, MemoryMXBean.class);
        threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
        heapPools = ManagementFactory.getPlatformMXBeans(server, MemoryPoolMXBean.class).stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        direct = ManagementFactory.getPlatformMXBeans(server, BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst()
                .orElseThrow(() -> new IOException("no direct buffer pool in pid " + pid));
    }

    static ServerStats attach(long pid) throws IOException {
        return new ServerStats(pid);
    }

    /** Runs two full GCs in the server, then reads. */
    Snapshot snapshot() throws IOException {
        memory.gc();
        memory.gc();
        long heap = 0;
        for (MemoryPoolMXBean pool : heapPools) {
            MemoryUsage u = pool.getCollectionUsage(); // what the GC left, not what was allocated since
            if (u != null) {
                heap += u.getUsed();
            }
        }
        long fds;
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = s.count();
        }
        List<String> names = new ArrayList<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t != null && !t.getThreadName().startsWith("RMI ") && !t.getThreadName().startsWith("JMX ")) {
                names.add(t.getThreadName());
            }
        }
        return new Snapshot(heap, direct.getMemoryUsed(), direct.getCount(), fds, names.size(), List.copyOf(names));
    }

    @Override
    public void close() throws IOException {
        connector.close();
    }
}
