package dev.duplex;

import static dev.duplex.ClientRecorder.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.duplex.FakeConnector.FakeLink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The WHATWG rules of the {@code WebSocket} object, with the transport replaced by a fake the test drives
 * ({@link FakeConnector}): every rule that does not need a real server. Grouped like web-platform-tests
 * {@code websockets/}; the same rules run against real servers in the per-area test classes.
 */
class WebSocketApiTest {

    static final WebSocketOptions DEFAULTS = WebSocketOptions.defaults();

    static WebSocket[] holder() {
        return new WebSocket[1];
    }

    static FakeLink connect(WebSocket[] ws, String... protocols) {
        return FakeConnector.connect(ws, "ws://example.com/", DEFAULTS.toBuilder().protocols(protocols).build());
    }

    static void assertDom(Runnable r, String name) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(DomException.class,
                e -> assertThat(e.name()).isEqualTo(name));
    }

    @Nested
    class Constructor {

        @Test
        void returnsAtOnceConnectingWithEmptyAttributes() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            assertThat(link.started).isTrue();
            assertThat(ws[0].readyState()).isEqualTo(WebSocket.CONNECTING);
            assertThat(ws[0].readyState().value()).isZero();
            assertThat(ws[0].bufferedAmount()).isZero();
            assertThat(ws[0].protocol()).isEmpty();
            assertThat(ws[0].extensions()).isEmpty();
            assertThat(ws[0].binaryType()).isEqualTo("blob");
            assertThat(ws[0].url()).isEqualTo("ws://example.com/");
        }

        @Test
        void readyStateConstantsAreTheStandardsNumbers() {
            assertThat(List.of(WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED))
                    .extracting(ReadyState::value).containsExactly(0, 1, 2, 3);
        }

        @Test
        void urlIsSerialised() { // Create-valid-url, Create-http-urls
            WebSocket[] ws = holder();
            FakeConnector.connect(ws, "HTTPS://Example.COM:443", DEFAULTS);
            assertThat(ws[0].url()).isEqualTo("wss://example.com/");
        }

        @Test
        void relativeUrlNeedsABase() { // Create-non-absolute-url
            assertDom(() -> FakeConnector.connect(holder(), "/chat", DEFAULTS), "SyntaxError");
            WebSocket[] ws = holder();
            FakeConnector.connect(ws, "/chat", DEFAULTS.toBuilder().baseUrl("https://h:8443/app/").build());
            assertThat(ws[0].url()).isEqualTo("wss://h:8443/chat");
        }

        @ParameterizedTest
        @ValueSource(strings = {"ws://foo bar.com/", "ftp://h/", "mailto:x@h", "about:blank", "#test",
                "?test", "ws://h/#", "ws://h/#frag"})
        void badUrlIsSyntaxErrorAndNothingConnects(String url) { // Create-invalid-urls, Create-wrong-scheme
            FakeConnector c = new FakeConnector();
            assertDom(() -> new WebSocket(url, DEFAULTS, c), "SyntaxError");
            assertThat(c.links).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "a b", "ec\u00e9ho", "a,b", "a;b", "{x}", "a/b", "x\u0000", "\u007f",
                "\"q\"", "a=b", "a?b", "[a]", "a:b", "a@b", "(c)", "a\\b", "\t"})
        void invalidSubprotocolIsSyntaxError(String protocol) { // Create-protocol-with-space, …-empty, asciiSep
            FakeConnector c = new FakeConnector();
            assertDom(() -> new WebSocket("ws://h/", DEFAULTS.toBuilder().protocols(protocol).build(), c),
                    "SyntaxError");
            assertThat(c.links).isEmpty();
        }

        @Test
        void repeatedSubprotocolIsSyntaxErrorIgnoringCase() { // Create-protocols-repeated(-case-insensitive)
            assertDom(() -> new WebSocket("ws://h/", DEFAULTS.toBuilder().protocols("echo", "echo").build(),
                    new FakeConnector()), "SyntaxError");
            assertDom(() -> new WebSocket("ws://h/", DEFAULTS.toBuilder().protocols("echo", "eCho").build(),
                    new FakeConnector()), "SyntaxError");
        }

        @Test
        void urlIsCheckedBeforeProtocols() {
            assertThatThrownBy(() -> new WebSocket("ftp://h/", DEFAULTS.toBuilder().protocols("a", "a").build(),
                    new FakeConnector())).hasMessageContaining("scheme");
        }

        @Test
        void validProtocolsAreOfferedInOrder() { // Create-valid-url-array-protocols
            WebSocket[] ws = holder();
            FakeLink link = connect(ws, "chat", "superchat", "v1.proto!#$%&'*+-.^_`|~");
            assertThat(link.request.protocols()).containsExactly("chat", "superchat", "v1.proto!#$%&'*+-.^_`|~");
            assertThat(ws[0].protocol()).isEmpty();
        }

        @Test
        void emptyProtocolListIsAllowed() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            assertThat(link.request.protocols()).isEmpty();
        }
    }

    @Nested
    class Close {

        @ParameterizedTest
        @ValueSource(ints = {0, 1, 999, 1001, 1002, 1005, 1006, 1015, 2999, 5000, 65535, -1})
        void codeOtherThan1000Or3000To4999IsInvalidAccessError(int code) { // close-invalid-code
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            assertDom(() -> ws[0].close(code), "InvalidAccessError");
            assertDom(() -> ws[0].close(code, "reason"), "InvalidAccessError");
            assertThat(ws[0].readyState()).isEqualTo(WebSocket.OPEN);
            assertThat(link.commands()).isEmpty();
        }

        @Test
        void codeIsCheckedBeforeReason() {
            WebSocket[] ws = holder();
            connect(ws);
            assertDom(() -> ws[0].close(2999, "x".repeat(200)), "InvalidAccessError");
        }

        @Test
        void reasonOver123BytesIsSyntaxErrorAndNothingChanges() throws Exception { // Close-reason-124Bytes
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            assertDom(() -> ws[0].close(1000, "x".repeat(124)), "SyntaxError");
            assertDom(() -> ws[0].close(3000, "\u00e9".repeat(62)), "SyntaxError"); // 124 bytes
            // A lone surrogate becomes U+FFFD (3 bytes), not '?': 121 + 3 = 124.
            assertDom(() -> ws[0].close(1000, "x".repeat(121) + "\uD800"), "SyntaxError");
            assertThat(ws[0].readyState()).isEqualTo(WebSocket.OPEN);
            assertThat(link.commands()).isEmpty();

            ws[0].close(4999, "x".repeat(123)); // exactly 123 is fine
            assertThat(link.commands()).containsExactly("close:4999:" + "x".repeat(123));
        }

        @Test
        void loneSurrogateInReasonIsSentAsReplacementCharacter() { // Close-reason-unpaired-surrogates
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            ws[0].close(1000, "\uD807");
            assertThat(link.commands()).containsExactly("close:1000:\uFFFD");
        }

        @Test
        void noArgumentsSendsAnEmptyCloseFrame() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            ws[0].close();
            assertThat(ws[0].readyState()).isEqualTo(WebSocket.CLOSING);
            assertThat(link.commands()).containsExactly("close:-1:");
        }

        @Test
        void codeOnlyIsSentWithEmptyReason() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            ws[0].close(3000);
            assertThat(link.commands()).containsExactly("close:3000:");
        }

        @Test
        void secondCloseDoesNothing() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            ws[0].close(1000, "first");
            ws[0].close(3000, "second");
            ws[0].close();
            assertThat(link.commands()).containsExactly("close:1000:first");
        }

        @Test
        void closeWhileConnectingFailsTheConnection() throws Exception { // Close-Connecting
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.reportOnFail = false;
            ClientRecorder r = ClientRecorder.on(ws[0]);
            ws[0].close();
            assertThat(ws[0].readyState()).isEqualTo(WebSocket.CLOSING);
            assertThat(link.commands()).singleElement().asString().startsWith("fail:");
            link.serverGone(1006, true, new IOException("failed by close()"));
            ClientRecorder.Seen error = r.next("error");
            assertThat(error.state()).isEqualTo(WebSocket.CLOSED);
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1006);
            assertThat(close.wasClean()).isFalse();
            assertThat(close.reason()).isEmpty();
            r.assertNoMore(ws[0]);
        }

        @Test
        void handshakeFinishingAfterCloseWhileConnectingDoesNotOpen() throws Exception {
            WebSocket[] ws = holder();
            FakeConnector c = new FakeConnector();
            // A link that does not report closed at once when failed: the open races the failure.
            ws[0] = new WebSocket("ws://h/", DEFAULTS, new ClientConnector() {
                @Override
                public Link prepare(Request request, Events events) {
                    FakeLink inner = c.prepare(request, events) instanceof FakeLink f ? f : null;
                    return new Link() {
                        public void start() {}
                        public boolean sendText(String t, long s) { return false; }
                        public boolean sendBinary(ByteBuffer d, long s) { return false; }
                        public long outstanding() { return 0; }
                        public void close(int code, String reason) {}
                        public void fail(Throwable cause) { inner.commands.add("fail"); }
                    };
                }
            });
            FakeLink link = c.links.poll();
            ClientRecorder r = ClientRecorder.on(ws[0]);
            ws[0].close();
            link.open();
            link.serverGone(1006, true, new IOException("gone"));
            assertThat(r.typesUntilClose()).containsExactly("error", "close");
        }

        @Test
        void closeEventInitDefaults() {
            CloseEvent e = new CloseEvent("close");
            assertThat(e.wasClean()).isFalse();
            assertThat(e.code()).isZero();
            assertThat(e.reason()).isEmpty();
            assertThat(e.isTrusted()).isFalse();
        }
    }

    @Nested
    class Send {

        @Test
        void whileConnectingIsInvalidStateErrorCheckedFirst() { // send/004
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            assertDom(() -> ws[0].send("a\uDC00x"), "InvalidStateError");
            assertDom(() -> ws[0].send(new byte[3]), "InvalidStateError");
            assertDom(() -> ws[0].send(ByteBuffer.allocate(3)), "InvalidStateError");
            assertDom(() -> ws[0].send(Blob.of("x")), "InvalidStateError");
            assertThat(ws[0].bufferedAmount()).isZero();
            assertThat(link.commands()).isEmpty();
        }

        @Test
        void textIsSentAsUsvString() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            ws[0].send("a\uDC00x\uD83D\uDE00");
            assertThat(link.commands()).containsExactly("text:a\uFFFDx\uD83D\uDE00");
            assertThat(ws[0].bufferedAmount()).isEqualTo(1 + 3 + 1 + 4);
        }

        @Test
        void binaryIsCopiedAtSendTime() {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            byte[] data = "abc".getBytes(StandardCharsets.ISO_8859_1);
            ByteBuffer buf = ByteBuffer.wrap("defg".getBytes(StandardCharsets.ISO_8859_1));
            buf.position(1);
            ws[0].send(data);
            ws[0].send(buf);
            ws[0].send(Blob.of("hi"));
            data[0] = 'X';
            buf.put(1, (byte) 'X');
            assertThat(buf.position()).isEqualTo(1);
            assertThat(link.commands()).containsExactly("binary:abc", "binary:efg", "binary:hi");
            assertThat(ws[0].bufferedAmount()).isEqualTo(3 + 3 + 2);
        }

        @Test
        void afterCloseDataIsDiscardedButCounted() { // bufferedAmount after close
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            ws[0].close();
            ws[0].send("12345");
            ws[0].send(new byte[7]);
            assertThat(link.commands()).containsExactly("close:-1:");
            assertThat(ws[0].bufferedAmount()).isEqualTo(12);
        }

        @Test
        void afterClosedDataIsDiscardedButCounted() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            link.open();
            assertOpen(ws[0]);
            link.closedCleanly(1000, "");
            ws[0].awaitClose(TIMEOUT);
            assertThat(ws[0].readyState()).isEqualTo(WebSocket.CLOSED);
            ws[0].send("\u00e9\u00e9");
            assertThat(ws[0].bufferedAmount()).isEqualTo(4);
            assertThat(link.commands()).isEmpty();
        }

        @Test
        void overTheHardLimitFlagsFullThenErrorThenClose() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = FakeConnector.connect(ws, "ws://h/", DEFAULTS.toBuilder().maxBufferedAmount(10).build());
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            ws[0].send("0123456789");
            ws[0].send("x");
            assertThat(link.commands()).containsExactly("text:0123456789", "fail:send buffer full: 11 bytes queued, limit 10");
            assertThat(r.next("error").state()).isEqualTo(WebSocket.CLOSED);
            assertThat(r.close().code()).isEqualTo(1006);
            assertThat(ws[0].bufferedAmount()).isEqualTo(11);
        }
    }

    @Nested
    class BufferedAmount {

        @Test
        void shrinksOnlyBetweenTasks() throws Exception { // bufferedAmount-unchanged-by-sync-xhr
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            CountDownLatch inListener = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(1);
            long[] seen = new long[2];
            ws[0].addEventListener("message", (MessageEvent e) -> {
                if (!e.data().equals("go")) {
                    return;
                }
                ws[0].send("abcd");
                seen[0] = ws[0].bufferedAmount();
                inListener.countDown();
                await(release);
                seen[1] = ws[0].bufferedAmount(); // the write completed meanwhile, but not in this task
                done.countDown();
            });
            link.open();
            r.next("open");
            link.events.text("go");
            assertThat(inListener.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            link.written(4);
            release.countDown();
            r.message();
            await(done);
            assertThat(seen).containsExactly(4L, 4L);
            // The next task applies it.
            link.events.text("after");
            r.message();
            assertThat(ws[0].bufferedAmount()).isZero();
        }
    }

    @Nested
    class BinaryType {

        @Test
        void defaultIsBlobAndUnknownValuesAreIgnored() { // binaryType-wrong-value
            WebSocket[] ws = holder();
            connect(ws);
            assertThat(ws[0].binaryType()).isEqualTo("blob");
            ws[0].setBinaryType("notBlobOrArrayBuffer");
            assertThat(ws[0].binaryType()).isEqualTo("blob");
            ws[0].setBinaryType("arraybuffer");
            assertThat(ws[0].binaryType()).isEqualTo("arraybuffer");
            ws[0].setBinaryType("ArrayBuffer");
            ws[0].setBinaryType("");
            ws[0].setBinaryType((String) null);
            assertThat(ws[0].binaryType()).isEqualTo("arraybuffer");
            ws[0].setBinaryType(dev.duplex.BinaryType.BLOB);
            assertThat(ws[0].binaryType()).isEqualTo("blob");
        }

        @Test
        void binaryTypeAtDispatchTimeChoosesTheJavaType() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            link.events.binary(ByteBuffer.wrap(new byte[] {1, 2, 3}));
            MessageEvent blob = r.message();
            assertThat(blob.data()).isInstanceOfSatisfying(Blob.class,
                    b -> assertThat(b.bytes()).containsExactly(1, 2, 3));
            ws[0].setBinaryType("arraybuffer");
            link.events.binary(ByteBuffer.wrap(new byte[] {4, 5}));
            MessageEvent ab = r.message();
            assertThat(ab.data()).isInstanceOfSatisfying(ByteBuffer.class, b -> {
                assertThat(b.isReadOnly()).isTrue();
                assertThat(b.remaining()).isEqualTo(2);
            });
            assertThat(ab.bytes()).containsExactly(4, 5);
            link.events.text("t");
            assertThat(r.message().data()).isEqualTo("t");
        }
    }

    @Nested
    class Events {

        @Test
        void openSetsProtocolAndExtensionsBeforeTheHandler() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws, "chat", "other");
            String[] seen = new String[3];
            ws[0].setOnopen(e -> {
                seen[0] = ws[0].protocol();
                seen[1] = ws[0].extensions();
                seen[2] = ws[0].readyState().name();
            });
            link.open("chat", "permessage-deflate");
            assertThat(ws[0].awaitOpen(TIMEOUT)).isTrue();
            assertThat(seen).containsExactly("chat", "permessage-deflate", "OPEN");
        }

        @Test
        void requestedProtocolButNoneSelectedFails() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws, "chat");
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open("", "");
            assertThat(r.typesUntilClose()).containsExactly("error", "close");
            assertThat(ws[0].protocol()).isEmpty();
        }

        @Test
        void unofferedProtocolFails() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws, "chat");
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open("superchat", "");
            assertThat(r.typesUntilClose()).containsExactly("error", "close");
        }

        @Test
        void messagesAfterCloseAreDropped() throws Exception { // Close-delayed
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            link.events.text("before");
            assertThat(r.message().data()).isEqualTo("before");
            ws[0].close();
            link.events.text("after");
            link.events.binary(ByteBuffer.allocate(1));
            link.closedCleanly(1005, "");
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1005);
            assertThat(close.wasClean()).isTrue();
            r.assertNoMore(ws[0]);
        }

        @Test
        void peerCloseSetsClosingInATask() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            link.events.closing(1000, "bye");
            link.events.text("queued before the state task ran? no: dropped");
            link.events.closed(1000, "bye", true, false, null);
            ClientRecorder.Seen close = r.next("close");
            assertThat(close.state()).isEqualTo(WebSocket.CLOSED);
            assertThat(((CloseEvent) close.event()).reason()).isEqualTo("bye");
            r.assertNoMore(ws[0]);
        }

        @Test
        void failureIsClosedThenErrorThenCloseExactlyOnce() throws Exception { // events/015
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            IOException cause = new IOException("connection reset");
            link.serverGone(1006, true, cause);
            link.events.closed(1000, "", true, false, null); // a second report must not fire again
            ClientRecorder.Seen error = r.next("error");
            assertThat(error.state()).isEqualTo(WebSocket.CLOSED);
            assertThat(((ErrorEvent) error.event()).cause()).isSameAs(cause);
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1006);
            assertThat(close.wasClean()).isFalse();
            assertThat(close.cause()).isSameAs(cause);
            r.assertNoMore(ws[0]);
        }

        @Test
        void abruptEndWithoutFailureIs1006WithoutError() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.open();
            r.next("open");
            link.serverGone(1006, false, null);
            CloseEvent close = r.close();
            assertThat(close.code()).isEqualTo(1006);
            assertThat(close.wasClean()).isFalse();
        }

        @Test
        void tlsCloseCodeIsNeverExposed() throws Exception { // §closeWebSocket: never 1015
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.serverGone(1015, true, new IOException("certificate"));
            assertThat(r.next("error")).isNotNull();
            assertThat(r.close().code()).isEqualTo(1006);
        }

        @Test
        void connectFailureIsErrorThenClose1006() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            link.serverGone(1006, true, new java.net.ConnectException("refused"));
            assertThat(r.typesUntilClose()).containsExactly("error", "close");
            assertThat(ws[0].awaitOpen(TIMEOUT)).isFalse();
        }

        @Test
        void eventsRunOnOneVirtualThreadAtATimeInOrder() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            ClientRecorder r = ClientRecorder.on(ws[0]);
            int[] active = new int[1];
            boolean[] overlap = new boolean[1];
            ws[0].setOnmessage(e -> {
                synchronized (active) {
                    if (++active[0] > 1) {
                        overlap[0] = true;
                    }
                }
                synchronized (active) {
                    active[0]--;
                }
            });
            link.open();
            for (int i = 0; i < 1000; i++) {
                link.events.text(Integer.toString(i));
            }
            r.next("open");
            for (int i = 0; i < 1000; i++) {
                ClientRecorder.Seen s = r.next("message");
                assertThat(((MessageEvent) s.event()).data()).isEqualTo(Integer.toString(i));
                assertThat(s.thread().isVirtual()).isTrue();
            }
            assertThat(overlap[0]).isFalse();
        }

        @Test
        void eventTargetShape() throws Exception { // events/017, events/018
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            Object[] seen = new Object[7];
            ws[0].setOnopen(e -> {
                seen[0] = e.target();
                seen[1] = e.currentTarget();
                seen[2] = e.eventPhase();
                seen[3] = e.bubbles();
                seen[4] = e.cancelable();
                seen[5] = e.isTrusted();
                seen[6] = e.type();
            });
            link.open();
            assertThat(ws[0].awaitOpen(TIMEOUT)).isTrue();
            assertThat(seen).containsExactly(ws[0], ws[0], Event.AT_TARGET, false, false, true, "open");
        }

        @Test
        void listenersRunInRegistrationOrderAndOnXKeepsItsPlace() throws Exception { // events/016
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            StringBuilder order = new StringBuilder();
            EventListener<Event> a = e -> order.append("a");
            ws[0].addEventListener("open", a);
            ws[0].setOnopen(e -> order.append("X"));
            ws[0].addEventListener("open", (Event e) -> order.append("b"));
            ws[0].addEventListener("open", a); // duplicate: ignored
            ws[0].setOnopen(e -> order.append("h")); // replaced in place
            link.open();
            assertThat(ws[0].awaitOpen(TIMEOUT)).isTrue();
            assertThat(order).hasToString("ahb");
        }

        @Test
        void settingOnXToNullRemovesItsPlace() {
            EventListeners l = new EventListeners();
            StringBuilder order = new StringBuilder();
            l.setHandler("open", e -> order.append("h1"));
            l.add("open", e -> order.append("b"));
            l.setHandler("open", null);
            l.setHandler("open", e -> order.append("h2"));
            l.dispatch(null, new Event("open"), true);
            assertThat(order).hasToString("bh2");
        }

        @Test
        void removeEventListenerWorksAlsoDuringDispatch() { // events/019
            EventListeners l = new EventListeners();
            StringBuilder order = new StringBuilder();
            EventListener<Event> second = e -> order.append("2");
            l.add("message", e -> {
                order.append("1");
                l.remove("message", second);
                l.add("message", x -> order.append("late")); // added during dispatch: not called now
            });
            l.add("message", second);
            l.dispatch(null, new Event("message"), true);
            assertThat(order).hasToString("1");
        }

        @Test
        void aThrowingListenerDoesNotStopTheOthers() {
            EventListeners l = new EventListeners();
            StringBuilder order = new StringBuilder();
            l.add("open", e -> {
                throw new IllegalStateException("boom (expected by the test)");
            });
            l.add("open", e -> order.append("ran"));
            l.dispatch(null, new Event("open"), true);
            assertThat(order).hasToString("ran");
        }

        @Test
        void stopImmediatePropagationSkipsTheRest() {
            EventListeners l = new EventListeners();
            StringBuilder order = new StringBuilder();
            l.add("open", e -> {
                order.append("1");
                e.stopImmediatePropagation();
            });
            l.add("open", e -> order.append("2"));
            l.dispatch(null, new Event("open"), true);
            assertThat(order).hasToString("1");
        }

        @Test
        void typedListenerOnMessage() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            CountDownLatch got = new CountDownLatch(1);
            String[] data = new String[2];
            ws[0].addEventListener("message", (MessageEvent e) -> {
                data[0] = e.text();
                data[1] = e.origin();
                got.countDown();
            });
            link.open();
            link.events.text("hi");
            assertThat(got.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
            assertThat(data).containsExactly("hi", "ws://example.com");
        }

        @Test
        void handlerGettersReturnWhatWasSet() {
            WebSocket[] ws = holder();
            connect(ws);
            EventListener<Event> h = e -> { };
            EventListener<MessageEvent> m = e -> { };
            ws[0].setOnopen(h);
            ws[0].setOnmessage(m);
            assertThat(ws[0].onopen()).isSameAs(h);
            assertThat(ws[0].onmessage()).isSameAs(m);
            assertThat(ws[0].onclose()).isNull();
            assertThat(ws[0].onerror()).isNull();
        }

        @Test
        void aSocketStaysReachableUntilItsCloseEvent() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            assertThat(WebSocket.isLive(ws[0])).isTrue();
            link.open();
            assertOpen(ws[0]);
            assertThat(WebSocket.isLive(ws[0])).isTrue();
            link.closedCleanly(1000, "");
            ws[0].awaitClose(TIMEOUT);
            assertThat(WebSocket.isLive(ws[0])).isFalse();
        }

        @Test
        void awaitFromOwnListenerIsRefused() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = connect(ws);
            Throwable[] thrown = new Throwable[1];
            ws[0].setOnopen(e -> {
                try {
                    ws[0].awaitClose(TIMEOUT);
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            });
            link.open();
            assertThat(ws[0].awaitOpen(TIMEOUT)).isTrue();
            assertThat(thrown[0]).isInstanceOf(IllegalStateException.class);
        }

        @Test
        void dispatchOnLoopRunsOnTheCallersThread() throws Exception {
            WebSocket[] ws = holder();
            FakeLink link = FakeConnector.connect(ws, "ws://h/", DEFAULTS.toBuilder().dispatchOnLoop(true).build());
            Thread[] thread = new Thread[1];
            StringBuilder order = new StringBuilder();
            ws[0].setOnopen(e -> {
                thread[0] = Thread.currentThread();
                order.append("open;");
                ws[0].close(); // tasks queued from inside a task run after it, not nested
                order.append("after-close;");
            });
            ws[0].setOnclose(e -> order.append("close;"));
            link.open();
            link.closedCleanly(1005, "");
            assertThat(thread[0]).isSameAs(Thread.currentThread());
            assertThat(order).hasToString("open;after-close;close;");
        }
    }

    static void assertOpen(WebSocket ws) {
        try {
            assertThat(ws.awaitOpen(TIMEOUT)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
