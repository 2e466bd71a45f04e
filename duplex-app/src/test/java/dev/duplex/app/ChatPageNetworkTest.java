package dev.duplex.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page at {@code /}, two sessions (tabs of one headless Chromium) in one room: they see
 * each other's messages, join and leave notices, and a newcomer gets the history.
 */
class ChatPageNetworkTest {

    private static RunningServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        server = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                ChatSettings.DEFAULTS);
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static List<String> lines(String selector) {
        return browser.driver.findElements(By.cssSelector(selector)).stream().map(WebElement::getText).toList();
    }

    private static void awaitLine(String selector, String text) {
        browser.await(selector + " to show \"" + text + "\"", d -> lines(selector).contains(text));
    }

    @Test
    void twoSessionsChatAndANewcomerGetsTheHistory() throws Exception {
        String alice = browser.driver.getWindowHandle();
        browser.open(server.httpUrl() + "?room=lobby&name=alice");
        browser.awaitText("status-label", "Connection established!");
        awaitLine("#members li", "alice");

        browser.driver.switchTo().newWindow(WindowType.TAB);
        String bob = browser.driver.getWindowHandle();
        browser.open(server.httpUrl() + "?room=lobby&name=bob");
        browser.awaitText("status-label", "Connection established!");
        awaitLine("#members li", "alice");
        awaitLine("#members li", "bob");

        browser.driver.switchTo().window(alice);
        awaitLine("#messages li.notice", "bob joined.");
        awaitLine("#members li", "bob");
        browser.byId("text-view").sendKeys("Hi Bob, it's Alice.");
        browser.byId("send-button").click();
        awaitLine("#messages li.message .text", "Hi Bob, it's Alice.");

        browser.driver.switchTo().window(bob);
        awaitLine("#messages li.message .text", "Hi Bob, it's Alice.");
        browser.byId("text-view").sendKeys("Hello Alice!");
        browser.byId("send-button").click();
        awaitLine("#messages li.message .text", "Hello Alice!");

        // A terminal client (no JSON, no name) chats too: it is a guest.
        sendPlainLine(server.wsUrl("/chat/lobby"), "hello from a terminal");

        browser.driver.switchTo().window(alice);
        awaitLine("#messages li.message .text", "Hello Alice!");
        awaitLine("#messages li.message .text", "hello from a terminal");
        awaitLine("#messages li.notice", "guest-1 joined.");
        browser.screenshot("chat-page-alice");

        browser.driver.switchTo().window(bob);
        browser.byId("stop-button").click();
        browser.awaitText("status-label", "Connection closed normally.");

        browser.driver.switchTo().window(alice);
        awaitLine("#messages li.notice", "bob left.");
        browser.await("bob to leave the member list", d -> !lines("#members li").contains("bob"));

        browser.driver.switchTo().newWindow(WindowType.TAB);
        browser.open(server.httpUrl() + "?room=lobby&name=carol");
        browser.awaitText("status-label", "Connection established!");
        awaitLine("#messages li.history .text", "Hi Bob, it's Alice.");
        assertThat(lines("#messages li.history .text"))
                .containsExactly("Hi Bob, it's Alice.", "Hello Alice!", "hello from a terminal");
        assertThat(lines("#messages li.history .from")).containsExactly("alice", "bob", "guest-1");
        browser.screenshot("chat-page-newcomer-history");

        // Another room does not see the lobby.
        browser.open(server.httpUrl() + "?room=elsewhere&name=dave");
        browser.awaitText("status-label", "Connection established!");
        awaitLine("#messages li.notice", "You joined /chat/elsewhere as dave.");
        assertThat(lines("#messages li.history")).isEmpty();
    }

    /**
     * The server under the page stops (1001) and starts again on the same port while a member on
     * another server (sharing a real {@code redis-server}) keeps talking: the page shows
     * "Reconnecting…", comes back with {@code since}, and shows every line once, in order.
     */
    @Test
    void thePageResumesWhenItsServerRestartsUnderIt() throws Exception {
        try (dev.duplex.redis.testing.RedisServer redis = dev.duplex.redis.testing.RedisServer.start();
             HttpClient http = HttpClient.newHttpClient()) {
            RunningServer[] under = {ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                    ChatSettings.DEFAULTS, redis.uri())};
            int port = under[0].port();
            RunningServer other = ChatServer.start(ServerSettings.loopback(0, ChatServer.DEFAULT_MAX_MESSAGE),
                    ChatSettings.DEFAULTS, redis.uri());
            ChatMember bob = new ChatMember(http, "bob");
            try {
                bob.connect(other.wsUrl("/chat/resume"));
                browser.driver.switchTo().newWindow(WindowType.TAB);
                browser.open(under[0].httpUrl() + "?room=resume&name=alice");
                browser.awaitText("status-label", "Connection established!");
                bob.say("one", "b1");
                awaitLine("#messages li.message .text", "one");

                under[0].close(); // 1001 to the page
                browser.awaitText("status-label", "Reconnecting…");
                bob.say("two", "b2");
                bob.say("three", "b3");
                bob.await("its own three lines", m -> m.messageCount() == 3);
                under[0] = ChatServer.start(ServerSettings.loopback(port, ChatServer.DEFAULT_MAX_MESSAGE),
                        ChatSettings.DEFAULTS, redis.uri());

                browser.awaitText("status-label", "Connection established!");
                awaitLine("#messages li.notice", "Reconnected to /chat/resume as alice.");
                bob.say("four", "b4");
                awaitLine("#messages li.message .text", "four");
                assertThat(lines("#messages li.message .text")).containsExactly("one", "two", "three", "four");
                assertThat(lines("#messages li.notice")).noneMatch(n -> n.startsWith("Some messages may be missing"));
                browser.screenshot("chat-page-resumed");
            } finally {
                bob.close();
                under[0].close();
                other.close();
            }
        }
    }

    private static void sendPlainLine(String url, String line) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        webSocket.request(1);
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        ws.sendText(line, true).get(30, TimeUnit.SECONDS);
    }
}
