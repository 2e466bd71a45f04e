package dev.duplex.bench;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * JMH's benchmark threads, made Netty {@code FastThreadLocalThread}s (as Netty's own microbench
 * does), so Netty's allocator uses its thread-local caches the way it does on an event loop.
 * Selected with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=dev.duplex.bench.NettyThreadsExecutor}.
 */
public final class NettyThreadsExecutor extends ThreadPoolExecutor {

    public NettyThreadsExecutor(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix));
    }
}
