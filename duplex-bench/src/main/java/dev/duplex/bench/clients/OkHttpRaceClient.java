package dev.duplex.bench.clients;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * OkHttp's WebSocket client (a reader thread per socket, a writer task queue), one
 * {@code OkHttpClient} for all connections, TCP_NODELAY, the dispatcher's per-host limit lifted.
 */
final class OkHttpRaceClient implements RaceClient {
    private final OkHttpClient client;
    private final List<WebSocket> sockets = new ArrayList<>();

    OkHttpRaceClient() {
        client = new OkHttpClient.Builder().socketFactory(new NoDelay()).build();
        client.dispatcher().setMaxRequests(100_000);
        client.dispatcher().setMaxRequestsPerHost(100_000);
    }

    @Override
    public void connect(URI uri, EchoCheck check) throws Exception {
        CompletableFuture<Void> open = new CompletableFuture<>();
        Request request = new Request.Builder().url("http://" + uri.getHost() + ":" + uri.getPort() + uri.getPath()).build();
        WebSocket ws = client.newWebSocket(request, new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                open.complete(null);
            }

            @Override
            public void onMessage(WebSocket webSocket, String text) {
                check.received(text);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                open.completeExceptionally(t);
            }
        });
        open.get(10, TimeUnit.SECONDS);
        check.sender(ws::send);
        sockets.add(ws);
    }

    @Override
    public void closeAll() {
        sockets.forEach(ws -> ws.close(1000, null));
        client.dispatcher().executorService().shutdown();
    }

    /** Plain sockets with Nagle off, as the other clients have them. */
    private static final class NoDelay extends SocketFactory {
        private final SocketFactory plain = SocketFactory.getDefault();

        private static Socket noDelay(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(plain.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(plain.createSocket(host, port, local, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(plain.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            return noDelay(plain.createSocket(host, port, local, localPort));
        }
    }
}
