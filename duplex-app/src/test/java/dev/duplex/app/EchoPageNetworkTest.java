package dev.duplex.app;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The echo server's page at {@code /}, in headless Chromium, against {@code duplex echo}. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EchoPageNetworkTest {

    private static RunningServer server;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        server = EchoServer.start(ServerSettings.loopback(0, EchoServer.DEFAULT_MAX_MESSAGE));
        browser = Browser.start();
        browser.open(server.httpUrl());
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

    @Test
    @Order(1)
    void pageConnects() {
        browser.awaitText("status-label", "Connection established!");
        assertThat(browser.text("socket-url")).isEqualTo(server.wsUrl("/echo"));
    }

    @Test
    @Order(2)
    void typedMessageComesBackIntoTheLog() {
        browser.awaitText("status-label", "Connection established!");
        browser.byId("text-view").sendKeys("Hello, Duplex! ünïcødé ✓");
        browser.byId("send-button").click();

        browser.await("the echo in the log", d -> d.findElements(By.cssSelector("#log li.received .body"))
                .stream().anyMatch(e -> e.getText().equals("Hello, Duplex! ünïcødé ✓")));
        List<String> sent = browser.driver.findElements(By.cssSelector("#log li.sent .body")).stream()
                .map(WebElement::getText).toList();
        assertThat(sent).contains("Hello, Duplex! ünïcødé ✓");
        assertThat(browser.byId("text-view").getAttribute("value")).isEmpty();
    }

    @Test
    @Order(3)
    void pictureGoesOutAsBinaryAndTheEchoIsShown() throws Exception {
        browser.awaitText("status-label", "Connection established!");
        Path picture = Files.createTempFile("duplex-picture", ".png");
        BufferedImage image = new BufferedImage(120, 80, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x1565c0));
        g.fillRect(0, 0, 120, 80);
        g.setColor(Color.ORANGE);
        g.fillOval(30, 10, 60, 60);
        g.dispose();
        ImageIO.write(image, "png", picture.toFile());
        long size = Files.size(picture);

        browser.byId("image-picker").sendKeys(picture.toAbsolutePath().toString());

        WebElement echoed = browser.await("the echoed picture to be decoded",
                d -> d.findElements(By.cssSelector("#log img.echoed-image")).stream()
                        .filter(img -> "120".equals(img.getDomProperty("naturalWidth")))
                        .findFirst().orElse(null));
        assertThat(echoed.getDomProperty("naturalHeight")).isEqualTo("80");
        assertThat(browser.driver.findElements(By.cssSelector("#log li.received .body")).stream()
                .map(WebElement::getText)).contains("picture, " + size + " bytes");
        browser.screenshot("echo-page");
        Files.delete(picture);
    }

    @Test
    @Order(4)
    void stopButtonClosesNormally() {
        browser.awaitText("status-label", "Connection established!");
        browser.byId("stop-button").click();
        browser.awaitText("status-label", "Connection closed normally.");
        browser.screenshot("echo-page-closed");
    }

    @Test
    @Order(5)
    void aServerThatStopsSaysGoingAway() {
        browser.byId("connect-button").click();
        browser.awaitText("status-label", "Connection established!");
        server.close();
        browser.awaitContains("status-label", "(Code: 1001)");
        assertThat(browser.text("status-label")).startsWith("Connection closed with message ");
        browser.screenshot("echo-page-server-stopped");
    }
}
