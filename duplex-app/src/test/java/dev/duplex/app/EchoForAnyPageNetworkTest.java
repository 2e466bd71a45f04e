package dev.duplex.app;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tutorials' flow in headless Chromium: a page saved to a file ({@code Origin: null}) and a page
 * served from another origin (a dev server on another port) open {@code new WebSocket(...)} to
 * {@code duplex echo} as it ships, send a line, get it back, and stop.
 */
class EchoForAnyPageNetworkTest {

    private static RunningServer echo;
    private static HttpServer otherOrigin;
    private static Path pageFile;
    private static Browser browser;

    /** The tutorial's page: a status label, a text field, a send button and a stop button. */
    static String tutorialPage(String wsUrl) {
        return """
                <!doctype html>
                <html><head><meta charset="utf-8"><title>WebSocket tutorial</title></head>
                <body>
                <p id="status-label">Connecting…</p>
                <input id="text-view" type="text"><button id="send-button">Send</button>
                <button id="stop-button">Stop</button>
                <ul id="log"></ul>
                <script>
                  const label = document.getElementById("status-label");
                  const socket = new WebSocket("WS_URL");
                  socket.onopen = () => { label.textContent = "Connection established!"; };
                  socket.onmessage = (event) => {
                    const item = document.createElement("li");
                    item.textContent = event.data;
                    document.getElementById("log").append(item);
                  };
                  socket.onerror = () => { label.textContent = "Error"; };
                  socket.onclose = (event) => { label.textContent = "Closed " + event.code + (event.wasClean ? " clean" : ""); };
                  document.getElementById("send-button").onclick = () => socket.send(document.getElementById("text-view").value);
                  document.getElementById("stop-button").onclick = () => socket.close();
                </script>
                </body></html>
                """.replace("WS_URL", wsUrl);
    }

    @BeforeAll
    static void start() throws Exception {
        echo = EchoServer.start(OriginDefaultsNetworkTest.echoDefaults());
        byte[] page = tutorialPage(echo.wsUrl("/echo")).getBytes(StandardCharsets.UTF_8);
        pageFile = Files.createTempFile("duplex-tutorial", ".html");
        Files.write(pageFile, page);
        otherOrigin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        otherOrigin.createContext("/tutorial.html", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        otherOrigin.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (otherOrigin != null) {
            otherOrigin.stop(0);
        }
        if (echo != null) {
            echo.close();
        }
        if (pageFile != null) {
            Files.deleteIfExists(pageFile);
        }
    }

    @Test
    void pageOpenedFromAFile() {
        talkAndStop(pageFile.toUri().toString(), "from a file ✓");
    }

    @Test
    void pageServedFromAnotherOrigin() {
        talkAndStop("http://localhost:" + otherOrigin.getAddress().getPort() + "/tutorial.html", "from another origin ✓");
    }

    private static void talkAndStop(String pageUrl, String line) {
        browser.open(pageUrl);
        browser.awaitText("status-label", "Connection established!");
        browser.byId("text-view").sendKeys(line);
        browser.byId("send-button").click();
        browser.await("the echo in the log", d -> d.findElements(By.cssSelector("#log li")).stream()
                .anyMatch(li -> li.getText().equals(line)));
        browser.byId("stop-button").click();
        browser.awaitText("status-label", "Closed 1005 clean");
        assertThat(browser.text("status-label")).isEqualTo("Closed 1005 clean");
    }
}
