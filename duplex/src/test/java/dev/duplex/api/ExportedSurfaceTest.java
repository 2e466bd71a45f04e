package dev.duplex.api;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the module exports is the API a user sees: the five packages, and no public or protected
 * member of an exported type that takes or returns a type of a package that is not exported (the
 * transport, the stream buffers, the core's transport hooks).
 */
class ExportedSurfaceTest {

    private static final Path CLASSES = Path.of("target/classes");

    @Test
    void theModuleExportsTheApiPackagesOnly() throws IOException {
        assertThat(descriptor().exports()).map(ModuleDescriptor.Exports::source).containsExactlyInAnyOrder(
                "dev.duplex", "dev.duplex.concurrent", "dev.duplex.metrics", "dev.duplex.protocol", "dev.duplex.server");
    }

    @Test
    void noExportedMemberNamesAnInternalType() throws Exception {
        Set<String> exported = new TreeSet<>();
        descriptor().exports().forEach(e -> exported.add(e.source()));
        List<String> leaks = new ArrayList<>();
        int checked = 0;
        for (String pkg : exported) {
            for (Class<?> c : publicTypes(pkg)) {
                List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
                members.addAll(List.of(c.getDeclaredConstructors()));
                for (Executable m : members) {
                    if (!visible(m.getModifiers()) || m.isSynthetic()) {
                        continue;
                    }
                    checked++;
                    List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
                    if (m instanceof Method method) {
                        types.add(method.getGenericReturnType());
                    }
                    for (Type t : types) {
                        check(t, exported, c.getName() + "." + (m instanceof Constructor<?> ? "<init>" : m.getName()), leaks);
                    }
                }
                for (Field f : c.getDeclaredFields()) {
                    if (visible(f.getModifiers())) {
                        check(f.getGenericType(), exported, c.getName() + "." + f.getName(), leaks);
                    }
                }
            }
        }
        assertThat(checked).as("public members checked").isGreaterThan(300);
        assertThat(leaks).isEmpty();
    }

    @Test
    void theCoresTransportHooksAreNotOnTheExportedConnection() {
        assertThat(Stream.of(dev.duplex.protocol.Connection.class.getMethods()).map(Method::getName))
                .doesNotContain("sendBinaryWithoutCopy", "sendPartWithoutCopy", "holdCloseUntilPolled", "closeHeld");
    }

    private static void check(Type t, Set<String> exported, String where, List<String> leaks) {
        if (t instanceof Class<?> c) {
            while (c.isArray()) {
                c = c.getComponentType();
            }
            if (!c.isPrimitive() && c.getPackageName().startsWith("dev.duplex") && !exported.contains(c.getPackageName())) {
                leaks.add(where + " uses " + c.getName());
            }
        } else if (t instanceof ParameterizedType p) {
            check(p.getRawType(), exported, where, leaks);
            for (Type a : p.getActualTypeArguments()) {
                check(a, exported, where, leaks);
            }
        } else if (t instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                check(b, exported, where, leaks);
            }
            for (Type b : w.getLowerBounds()) {
                check(b, exported, where, leaks);
            }
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    /** The public top-level and nested types of a package, from the compiled classes. */
    private static List<Class<?>> publicTypes(String pkg) throws IOException, ClassNotFoundException {
        Path dir = CLASSES.resolve(pkg.replace('.', '/'));
        List<Class<?>> types = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                String name = f.getFileName().toString();
                if (name.equals("package-info.class") || name.equals("module-info.class")) {
                    continue;
                }
                Class<?> c = Class.forName(pkg + "." + name.substring(0, name.length() - 6), false,
                        ExportedSurfaceTest.class.getClassLoader());
                if (Modifier.isPublic(c.getModifiers()) && !c.isAnonymousClass() && !c.isLocalClass()
                        && (c.getDeclaringClass() == null || visibleChain(c))) {
                    types.add(c);
                }
            }
        }
        return types;
    }

    private static boolean visibleChain(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!visible(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static ModuleDescriptor descriptor() throws IOException {
        ModuleDescriptor d = dev.duplex.protocol.Connection.class.getModule().getDescriptor();
        if (d != null) {
            return d;
        }
        try (InputStream in = Files.newInputStream(CLASSES.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }
}
