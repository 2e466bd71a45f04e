package dev.duplex.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Static content under a URL prefix, from a folder or the classpath. Rejects any path that escapes its root. */
final class StaticMount {

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("map", "application/json"));

    /** A file found under a mount. */
    record Resource(String contentType, byte[] body) {}

    private final String prefix;
    private final Path folder;
    private final String base;
    private final ClassLoader loader;

    private StaticMount(String prefix, Path folder, String base, ClassLoader loader) {
        if (!prefix.startsWith("/")) {
            throw new IllegalArgumentException("URL prefix must start with '/': " + prefix);
        }
        this.prefix = prefix.endsWith("/") ? prefix : prefix + "/";
        this.folder = folder;
        this.base = base;
        this.loader = loader;
    }

    static StaticMount folder(String prefix, Path folder) {
        return new StaticMount(prefix, folder.toAbsolutePath().normalize(), null, null);
    }

    static StaticMount classpath(String prefix, String base, ClassLoader loader) {
        String b = base.replaceAll("^/+", "").replaceAll("/+$", "");
        return new StaticMount(prefix, null, b, loader != null ? loader : StaticMount.class.getClassLoader());
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** The resource for a decoded request path, or null when this mount has none. */
    Resource find(String path) throws IOException {
        String p = path.equals(prefix.substring(0, prefix.length() - 1)) ? prefix : path;
        if (!p.startsWith(prefix)) {
            return null;
        }
        String rel = p.substring(prefix.length());
        if (rel.isEmpty() || rel.endsWith("/")) {
            rel = rel + "index.html";
        }
        for (String seg : rel.split("/")) {
            if (seg.equals("..") || seg.equals(".") || seg.isEmpty() || seg.indexOf('\\') >= 0 || seg.indexOf('\0') >= 0) {
                return null;
            }
        }
        if (folder != null) {
            Path file = folder.resolve(rel).normalize();
            if (!file.startsWith(folder)) {
                return null;
            }
            if (Files.isDirectory(file)) {
                file = file.resolve("index.html");
            }
            if (!Files.isRegularFile(file)) {
                return null;
            }
            return new Resource(contentType(file.getFileName().toString()), Files.readAllBytes(file));
        }
        String name = base.isEmpty() ? rel : base + "/" + rel;
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in == null) {
                return null;
            }
            return new Resource(contentType(name), in.readAllBytes());
        }
    }
}
