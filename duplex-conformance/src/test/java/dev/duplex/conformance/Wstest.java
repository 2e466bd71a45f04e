package dev.duplex.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.duplex.conformance.jython.XorMasker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Starts Autobahn's {@code wstest} (Autobahn|Testsuite 0.5.6 from autobahntestsuite-maven-plugin's jar)
 * on Jython in a child JVM, with sections 12 and 13 and the Java-backed wsaccel shim from
 * {@code conformance/autobahn/}. Each run gets its own folder: spec, scripts, log and reports; the
 * suite's Python packages, compiled, are shared by all runs ({@link #library()}).
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
    static Process start(String mode, Path dir, Map<String, Object> spec) throws IOException, InterruptedException {
        Path library = library();
        deleteTree(dir);
        Files.createDirectories(dir);
        Path py = dir.resolve("py");
        copyTree(scripts(), py);
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(dir.resolve("spec.json").toFile(), spec);

        List<String> command = jython(library);
        // -B: only library() writes compiled modules, so no fuzzer reads one another is writing
        command.addAll(List.of("-B", py.resolve("wstest.py").toString(), "-m", mode, "-s", "spec.json"));
        // run from the run's own folder: it holds no autobahntestsuite/ package to shadow the library's
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("wstest.log").toFile())
                .start();
    }

    /** Top-level entries of the plugin jar that are not the suite's Python packages. */
    private static final Set<String> NOT_PYTHON_PACKAGES = Set.of(
            "META-INF", "me", // the Maven plugin itself
            // setuptools' bootstrap: Jython's own site.py must stay the one imported at startup
            "site.py", "easy_install.py", "easy-install.pth", "setuptools.pth", "README");

    private static Path library;

    /**
     * The suite's Python packages (Autobahn|Testsuite, AutobahnPython, Twisted, zope.interface, ...)
     * from the plugin jar, extracted to {@code target/autobahn/pylib} and compiled there once, for
     * all fuzzers of this and later runs (until the jar changes). From inside the jar Jython has no
     * place to keep compiled modules, so every fuzzer parsed and compiled some 400 of them again
     * (about 15 s of CPU each); from a folder it writes {@code name$py.class} next to each source and
     * later imports load that. The sources are the jar's, unchanged.
     */
    static synchronized Path library() throws IOException, InterruptedException {
        if (library != null) {
            return library;
        }
        Path jar = jarOf("autobahntestsuite/wstest.py");
        Path lib = workRoot().resolve("pylib");
        Path stampFile = lib.resolve(".prepared");
        String stamp = String.join("\n", jar.toString(), Long.toString(Files.size(jar)),
                Long.toString(Files.getLastModifiedTime(jar).toMillis()), jarOf("org/python/util/jython.class").toString());
        if (!Files.exists(stampFile) || !Files.readString(stampFile).equals(stamp)) {
            deleteTree(lib);
            extractPythonPackages(jar, lib);
            precompile(lib);
            Files.writeString(stampFile, stamp);
        }
        library = lib;
        return library;
    }

    private static void extractPythonPackages(Path jar, Path lib) throws IOException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                String name = e.getName();
                String top = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
                if (e.isDirectory() || NOT_PYTHON_PACKAGES.contains(top)) {
                    continue;
                }
                Path target = lib.resolve(name).normalize();
                if (!target.startsWith(lib)) {
                    throw new IOException("entry outside the library: " + name);
                }
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e)) {
                    Files.copy(in, target);
                }
            }
        }
    }

    /** Imports what both fuzzer modes import, so Jython compiles those modules into the library. */
    private static void precompile(Path lib) throws IOException, InterruptedException {
        List<String> command = jython(lib);
        command.addAll(List.of("-c", "from autobahntestsuite import wstest; import twisted.internet.selectreactor"));
        Path log = workRoot().resolve("pylib-compile.log");
        Process p = new ProcessBuilder(command)
                .directory(lib.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("compiling the suite's Python failed; see " + log);
        }
    }

    /** {@code java ... org.python.util.jython} with the library on the Python path. */
    private static List<String> jython(Path lib) {
        String classpath = String.join(java.io.File.pathSeparator,
                jarOf("org/python/util/jython.class").toString(),
                codeSource(XorMasker.class).toString());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Xss4m",
                // the fuzzer is one busy Python thread making short-lived garbage: the serial
                // collector costs it least (no concurrent or parallel GC threads on two cores)
                "-XX:+UseSerialGC",
                // Jython's index of Java packages, built once and shared (same classpath every time)
                "-Dpython.cachedir=" + workRoot().resolve("jython-cache"),
                "-Dpython.path=" + lib,
                "-Dpython.console.encoding=UTF-8"));
        // extra options for the fuzzer JVMs, e.g. -Dautobahn.jvmArgs=-XX:StartFlightRecording=filename=fuzzer.jfr
        for (String arg : System.getProperty("autobahn.jvmArgs", "").trim().split("\\s+")) {
            if (!arg.isEmpty()) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", classpath, "org.python.util.jython"));
        return command;
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
