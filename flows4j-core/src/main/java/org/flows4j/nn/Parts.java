package org.flows4j.nn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;

/**
 * The registry of part types: a stable type name maps to the class it stands for and to a factory that
 * builds a part of that structure from its {@link PartConfig}. {@link #describe} turns a part into its config
 * (refusing, with one line naming the class, anything not registered), {@link #build} turns a config back into
 * a part. The library registers its own types through the {@link PartProvider} {@code
 * org.flows4j.flows.BuiltinParts}; users add theirs with {@link #register} or a {@link PartProvider} found by
 * {@link ServiceLoader}. Thread-safe.
 *
 * <p>A type may carry an <em>example</em>: a function of {@code D} giving a small float64 instance with
 * seeded, non-trivial parameters, as a {@code Transform} or a {@code Distribution} (a network or an
 * elementwise transformer is shown inside a transform that uses it). The checker and the save/load tests run
 * over every example, so every registered type is verified.
 */
public final class Parts {
    /**
     * A registered type.
     *
     * @param name     the stable name written into model files
     * @param type     the exact class its parts have
     * @param factory  builds a part of that structure from a config (weights are then loaded)
     * @param example  a small float64 instance on {@code D} features (a transform or distribution), or null
     */
    public record Type(String name, Class<?> type, Function<PartConfig, ?> factory, IntFunction<?> example) {
    }

    private static final Map<String, Type> BY_NAME = new TreeMap<>();
    private static final Map<Class<?>, Type> BY_CLASS = new HashMap<>();
    private static boolean loaded;

    private Parts() {
    }

    /**
     * Registers {@code type} under {@code name}; a second registration of the same name and class replaces the
     * first (so providers may run twice), one of the same name for another class is refused.
     */
    public static synchronized void register(String name, Class<?> type, Function<PartConfig, ?> factory,
            IntFunction<?> example) {
        if (name == null || name.isBlank() || type == null || factory == null) {
            throw new IllegalArgumentException("Parts.register: name, type and factory must be given, got name '"
                    + name + "', type " + type);
        }
        Type old = BY_NAME.get(name);
        if (old != null && old.type() != type) {
            throw new IllegalArgumentException("Parts.register: the type name '" + name + "' is taken by "
                    + old.type().getName() + "; cannot register it for " + type.getName());
        }
        Type t = new Type(name, type, factory, example);
        BY_NAME.put(name, t);
        BY_CLASS.put(type, t);
    }

    /** Registers a type without an example. */
    public static void register(String name, Class<?> type, Function<PartConfig, ?> factory) {
        register(name, type, factory, null);
    }

    /** Every registered type, by name. */
    public static synchronized List<Type> types() {
        ensureLoaded();
        return List.copyOf(BY_NAME.values());
    }

    /** The registered type named {@code name}. */
    public static synchronized Type type(String name) {
        ensureLoaded();
        Type t = BY_NAME.get(name);
        if (t == null) {
            throw new UnregisteredPartException("unknown part type '" + name + "'; registered types are "
                    + BY_NAME.keySet() + " (a user type must be registered before loading, see Parts.register)");
        }
        return t;
    }

    /** The registered type name of {@code part}'s class, or null if the class is not registered. */
    public static synchronized String nameOf(Object part) {
        ensureLoaded();
        Type t = BY_CLASS.get(part.getClass());
        return t == null ? null : t.name();
    }

    /**
     * The config of {@code part}, checked: its class implements {@link Part} and is registered under the type
     * name its config gives. Otherwise an {@link UnregisteredPartException} naming the class.
     */
    public static PartConfig describe(Object part) {
        String cls = part == null ? "null" : part.getClass().getName();
        if (!(part instanceof Part p)) {
            throw new UnregisteredPartException("cannot save " + cls + ": it is not a registered part (implement "
                    + "org.flows4j.nn.Part and register it with Parts.register)");
        }
        Type t;
        synchronized (Parts.class) {
            ensureLoaded();
            t = BY_CLASS.get(part.getClass());
        }
        if (t == null) {
            throw new UnregisteredPartException("cannot save " + cls + ": its class is not registered (call "
                    + "Parts.register or list a PartProvider in META-INF/services)");
        }
        PartConfig c = p.describe();
        if (!c.type().equals(t.name())) {
            throw new UnregisteredPartException("cannot save " + cls + ": it describes itself as '" + c.type()
                    + "' but its class is registered as '" + t.name() + "'");
        }
        return c;
    }

    /** Builds a part from its config with the registered factory. */
    public static Object build(PartConfig config) {
        Type t = type(config.type());
        Object part = t.factory().apply(config);
        if (part == null || part.getClass() != t.type()) {
            throw new IllegalStateException("Parts.build: the factory of '" + t.name() + "' made "
                    + (part == null ? "null" : part.getClass().getName()) + ", expected " + t.type().getName());
        }
        return part;
    }

    /** Builds a part from its config and checks it is a {@code kind}. */
    public static <T> T build(PartConfig config, Class<T> kind) {
        Object part = build(config);
        if (!kind.isInstance(part)) {
            throw new IllegalArgumentException("Parts.build: '" + config.type() + "' is a "
                    + part.getClass().getSimpleName() + ", expected a " + kind.getSimpleName());
        }
        return kind.cast(part);
    }

    /**
     * A copy of {@code part} with the same structure and state, sharing nothing with it: rebuilt from its config
     * and loaded with its state dict. Training mode is copied too.
     *
     * @throws UnregisteredPartException if some part of it is not registered
     */
    public static <M extends Module> M copy(M part) {
        @SuppressWarnings("unchecked")
        M out = (M) build(describe(part));
        out.loadStateDict(part.stateDict());
        out.train(part.isTraining());
        return out;
    }

    /** The configs of a list of parts, each checked by {@link #describe}. */
    public static List<PartConfig> describeAll(List<?> parts) {
        List<PartConfig> out = new ArrayList<>();
        for (Object p : parts) {
            out.add(describe(p));
        }
        return out;
    }

    /** The element type of {@code m}'s first parameter or buffer; float32 for a module without state. */
    public static DType dtypeOf(Module m) {
        for (Tensor t : m.stateDict().values()) {
            return t.dtype();
        }
        return DType.FLOAT32;
    }

    private static void ensureLoaded() {
        if (loaded) {
            return;
        }
        loaded = true;
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(Parts.class.getClassLoader());
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Parts.class.getClassLoader()) {
            loaders.add(context);
        }
        for (ClassLoader cl : loaders) {
            try {
                for (PartProvider p : ServiceLoader.load(PartProvider.class, cl)) {
                    p.registerParts();
                }
            } catch (ServiceConfigurationError e) {
                throw new IllegalStateException("Parts: a PartProvider failed to load: " + e.getMessage(), e);
            }
        }
    }
}
