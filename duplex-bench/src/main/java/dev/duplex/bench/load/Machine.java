package dev.duplex.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the report says about the machine and the software versions. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = "unknown CPU";
        int cores = 0;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    cpu = line.substring(line.indexOf(':') + 1).trim();
                    cores++;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return cpu + ", " + cores + " cores, " + memoryGiB() + " GiB RAM, " + System.getProperty("os.name")
                + " " + read("/proc/sys/kernel/osrelease", System.getProperty("os.version"));
    }

    static String loadAverage() {
        String s = read("/proc/loadavg", "?");
        String[] f = s.split(" ");
        return f.length >= 3 ? f[0] + " " + f[1] + " " + f[2] : s;
    }

    static String jdk() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
    }

    /** A version from the pom.properties that the shaded jar keeps for each dependency. */
    static String mavenVersion(String groupId, String artifactId) {
        String res = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = Machine.class.getResourceAsStream(res)) {
            if (in == null) {
                return "?";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "?");
        } catch (IOException e) {
            return "?";
        }
    }

    static String nodeWsVersion(Path root) {
        String pkg = read(root.resolve("conformance/node/node_modules/ws/package.json").toString(), "");
        Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(pkg);
        return m.find() ? m.group(1) : "?";
    }

    static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static long memoryGiB() {
        Matcher m = Pattern.compile("MemTotal:\\s+(\\d+) kB").matcher(read("/proc/meminfo", ""));
        return m.find() ? Math.round(Long.parseLong(m.group(1)) / 1024.0 / 1024.0) : 0;
    }

    private static String read(String file, String fallback) {
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            return fallback;
        }
    }
}
