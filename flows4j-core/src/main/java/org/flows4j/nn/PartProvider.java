package org.flows4j.nn;

/**
 * Registers part types with {@link Parts}, found through {@link java.util.ServiceLoader}: list the
 * implementing class in {@code META-INF/services/org.flows4j.nn.PartProvider} of your jar, and its types are
 * registered the first time the registry is used. The library's own types come the same way.
 */
public interface PartProvider {
    /** Registers this provider's types by calling {@link Parts#register}. */
    void registerParts();
}
