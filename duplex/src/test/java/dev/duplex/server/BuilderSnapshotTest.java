package dev.duplex.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link WebSocketServer.Builder#build()} keeps a copy: the builder changed afterwards does not reach the server. */
class BuilderSnapshotTest {

    @Test
    void laterBuilderChangesDoNotReachTheServer() {
        WebSocketServer.Builder b = WebSocketServer.builder().port(0).route("/a", ws -> { });
        WebSocketServer server = b.build();
        b.port(1234).route("/b", ws -> { }).http("/h", r -> HttpReply.text(200, "")).maxConnections(5);
        assertThat(server.config).isNotSameAs(b);
        assertThat(server.config.port).isZero();
        assertThat(server.config.routes).hasSize(1);
        assertThat(server.config.httpRoutes).isEmpty();
        assertThat(server.config.maxConnections).isZero();
    }

    @Test
    void everySettingIsCopied() throws Exception {
        WebSocketServer.Builder b = WebSocketServer.builder().route("/a", ws -> { });
        int set = 0;
        for (Field f : settings()) {
            Class<?> t = f.getType();
            if (t == int.class) {
                f.setInt(b, 7);
            } else if (t == long.class) {
                f.setLong(b, 7);
            } else if (t == boolean.class) {
                f.setBoolean(b, !f.getBoolean(b));
            } else if (t == Duration.class) {
                f.set(b, Duration.ofSeconds(7));
            } else {
                continue; // references: compared below as they are
            }
            set++;
        }
        assertThat(set).as("settings of simple types changed").isGreaterThan(10);
        WebSocketServer server = b.build();
        for (Field f : settings()) {
            assertThat(f.get(server.config)).as(f.getName()).isEqualTo(f.get(b));
        }
    }

    private static java.util.List<Field> settings() {
        java.util.List<Field> out = new java.util.ArrayList<>();
        for (Field f : WebSocketServer.Builder.class.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                out.add(f);
            }
        }
        return out;
    }
}
