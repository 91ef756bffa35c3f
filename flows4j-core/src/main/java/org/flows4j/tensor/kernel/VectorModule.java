package org.flows4j.tensor.kernel;

/**
 * Loads the Vector API implementation of a kernel interface when module {@code jdk.incubator.vector}
 * is in the boot layer and system property {@code flows4j.vector} is not {@code false}; otherwise (or
 * when loading fails) returns the scalar implementation. The Vector API classes are named only as
 * strings here, so the library runs on a JVM started without the module.
 */
final class VectorModule {
    private VectorModule() {
    }

    /** Whether the module is in the boot layer and not switched off by {@code -Dflows4j.vector=false}. */
    static boolean available() {
        return !"false".equalsIgnoreCase(System.getProperty("flows4j.vector", "true").trim())
                && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** An instance of {@code className} (a no-argument class implementing {@code type}), or {@code scalar}. */
    static <T> T load(String className, Class<T> type, T scalar) {
        if (!available()) {
            return scalar;
        }
        try {
            return type.cast(Class.forName(className).getDeclaredConstructor().newInstance());
        } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
            return scalar;
        }
    }
}
