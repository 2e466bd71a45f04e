package dev.duplex.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.conformance.jython.XorMasker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts Autobahn's {@code wstest} (Autobahn|Testsuite 0.5.6 from autobahntestsuite-maven-plugin's jar)
 * on Jython in a child JVM, with sections 12 and 13 and the Java-backed wsaccel shim from
 * {@code conformance/autobahn/}. Each run gets its own folder: spec, scripts, log and reports.
 */
final class Wstest {
    private Wstest() {}

    /** The folder of scripts ({@code conformance/autobahn}), passed in by the build. */
    static Path scripts() {
        return Path.of(System.getProperty("autobahn.scripts", "../conformance/autobahn")).toAbsolutePath().normalize();
    }

    /** Where runs write (the module's {@code target/autobahn}). */
    static Path workRoot() {
        return Path.of(System.getProperty("autobahn.workdir", "target/autobahn")).toAbsolutePath().normalize();
    }

    /**
     * Writes {@code spec} as {@code spec.json} into {@code dir} (recreated), copies the scripts next
     * to it and starts {@code wstest -m mode}. Output goes to {@code dir/wstest.log}.
     */
    static Process start(String mode, Path dir, Map<String, Object> spec) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        Path py = dir.resolve("py");
        copyTree(scripts(), py);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("spec.json").toFile(), spec);

        String classpath = String.join(java.io.File.pathSeparator,
                jarOf("org/python/util/jython.class").toString(),
                jarOf("autobahntestsuite/wstest.py").toString(),
                codeSource(XorMasker.class).toString());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Xss4m",
                "-Dpython.cachedir=" + dir.resolve("jython-cache"),
                "-Dpython.console.encoding=UTF-8",
                "-cp", classpath,
                "org.python.util.jython",
                py.resolve("wstest.py").toString(), "-m", mode, "-s", "spec.json"));
        // run from the run's own folder: it holds no autobahntestsuite/ package to shadow the jar's
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("wstest.log").toFile())
                .start();
    }

    /** The jar (or folder) on this JVM's classpath that holds {@code resource}. */
    static Path jarOf(String resource) {
        URL url = Wstest.class.getClassLoader().getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the test classpath");
        }
        String s = url.toString();
        if (!s.startsWith("jar:file:")) {
            throw new IllegalStateException(resource + " is not in a jar: " + s);
        }
        try {
            return Path.of(new URL(s.substring(4, s.indexOf("!/"))).toURI());
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException(s, e);
        }
    }

    private static Path codeSource(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith("$py.class") || name.endsWith(".pyc")) {
                    continue;
                }
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.compareTo(a)).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
