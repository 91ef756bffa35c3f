package org.flows4j.nn;

/**
 * A piece of a flow that describes itself, so that any composition of parts can be saved and rebuilt:
 * transforms, distributions, conditioner networks and elementwise transformers. {@link #describe()} gives
 * the part's registered type name and settings ({@link PartConfig}); the weights are the module's state dict.
 * {@link Parts#build(PartConfig)} with the type's registered factory makes a part of the same structure, and
 * loading the state dict into it gives back the same function.
 *
 * <p>To add a type: implement this interface in the class and register the class once
 * ({@link Parts#register}, or a {@link PartProvider} listed for {@link java.util.ServiceLoader}).
 */
public interface Part {
    /** The registered type name and the settings that rebuild this part's structure (not its weights). */
    PartConfig describe();
}
