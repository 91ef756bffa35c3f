package org.flows4j.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.flows4j.autodiff.Activation;
import org.flows4j.tensor.DType;

/**
 * What a {@link Part} is, without its weights: a registered type name and an ordered map of settings,
 * each a number, a string, a boolean, an array of numbers, a nested part's config or a list of them.
 * Together with the part's state dict it rebuilds the part ({@link Parts#build}). A model file stores it as
 * JSON, {@code {"type": "...", key: value, ...}}.
 *
 * <p>Immutable: {@link #with} returns a new config. Numbers must be finite. Typed getters accept what JSON
 * gives back (an integral {@code long} for an {@code int}, a list for an array) and throw an
 * {@link IllegalArgumentException} naming the type, the key, what was expected and what was found.
 */
public final class PartConfig {
    private final String type;
    private final Map<String, Object> values;

    private PartConfig(String type, Map<String, Object> values) {
        this.type = type;
        this.values = values;
    }

    /** An empty config of the given registered type name. */
    public static PartConfig of(String type) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("PartConfig: the type name must be a non-empty string, got '" + type
                    + "'");
        }
        return new PartConfig(type, Collections.unmodifiableMap(new LinkedHashMap<>()));
    }

    /** The registered type name. */
    public String type() {
        return type;
    }

    /** The setting names, in insertion order. */
    public Set<String> keys() {
        return values.keySet();
    }

    /** Whether {@code key} is set. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The raw value of {@code key}: a Number, String, Boolean, int[], double[], PartConfig or List. */
    public Object get(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(type + ": config lacks '" + key + "'; it has " + values.keySet());
        }
        return v;
    }

    /**
     * A copy with {@code key} set to {@code value}: an {@code Integer}, {@code Long}, {@code Double} (finite),
     * {@code String}, {@code Boolean}, {@code int[]}, {@code double[]} (finite), {@code long[]}, {@code boolean[]}, a
     * {@code PartConfig}, or a list of numbers or of configs.
     */
    public PartConfig with(String key, Object value) {
        Objects.requireNonNull(key, "key");
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(key, normalize(key, value));
        return new PartConfig(type, Collections.unmodifiableMap(m));
    }

    private Object normalize(String key, Object v) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            requireFinite(key, d);
            return d;
        }
        if (v instanceof String || v instanceof Boolean || v instanceof PartConfig) {
            return v;
        }
        if (v instanceof int[] a) {
            return List.copyOf(Arrays.stream(a).mapToObj(x -> (Object) (long) x).toList());
        }
        if (v instanceof long[] a) {
            return List.copyOf(Arrays.stream(a).mapToObj(x -> (Object) x).toList());
        }
        if (v instanceof boolean[] a) {
            List<Object> out = new ArrayList<>();
            for (boolean b : a) {
                out.add(b);
            }
            return List.copyOf(out);
        }
        if (v instanceof double[] a) {
            List<Object> out = new ArrayList<>();
            for (double d : a) {
                requireFinite(key, d);
                out.add(d);
            }
            return List.copyOf(out);
        }
        if (v instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object o : list) {
                Object n = normalize(key, o);
                if (n instanceof List) {
                    throw new IllegalArgumentException(type + ": config '" + key + "' may not nest lists");
                }
                out.add(n);
            }
            return List.copyOf(out);
        }
        throw new IllegalArgumentException(type + ": config '" + key + "' must be a number, string, boolean, "
                + "number array, part config or list, got " + (v == null ? "null" : v.getClass().getName()));
    }

    private void requireFinite(String key, double d) {
        if (!Double.isFinite(d)) {
            throw new IllegalArgumentException(type + ": config '" + key + "' must be finite, got " + d);
        }
    }

    /** {@code key} as an {@code int}. */
    public int integer(String key) {
        long v = longValue(key);
        if (v != (int) v) {
            throw new IllegalArgumentException(type + ": config '" + key + "' must fit an int, got " + v);
        }
        return (int) v;
    }

    /** {@code key} as a {@code long}. */
    public long longValue(String key) {
        Object v = get(key);
        if (v instanceof Long l) {
            return l;
        }
        throw wrong(key, "an integer", v);
    }

    /** {@code key} as a {@code double} (an integer is accepted). */
    public double number(String key) {
        Object v = get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrong(key, "a number", v);
    }

    /** {@code key} as a string. */
    public String text(String key) {
        Object v = get(key);
        if (v instanceof String s) {
            return s;
        }
        throw wrong(key, "a string", v);
    }

    /** {@code key} as a boolean. */
    public boolean bool(String key) {
        Object v = get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrong(key, "true or false", v);
    }

    /** {@code key} as an {@code int[]}. */
    public int[] integers(String key) {
        List<?> list = elements(key, Long.class, "an array of integers");
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            long l = (Long) list.get(i);
            if (l != (int) l) {
                throw wrong(key, "an array of integers that fit an int", list);
            }
            out[i] = (int) l;
        }
        return out;
    }

    /** {@code key} as a {@code boolean[]}. */
    public boolean[] bools(String key) {
        List<?> list = elements(key, Boolean.class, "an array of true/false");
        boolean[] out = new boolean[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Boolean) list.get(i);
        }
        return out;
    }

    /** {@code key} as a {@code double[]} (integers accepted). */
    public double[] numbers(String key) {
        return elements(key, Number.class, "an array of numbers").stream().mapToDouble(n -> ((Number) n).doubleValue())
                .toArray();
    }

    /** The list at {@code key}, every element of which must be a {@code cls}. */
    private List<?> elements(String key, Class<?> cls, String expected) {
        List<?> list = list(key);
        for (Object o : list) {
            if (!cls.isInstance(o)) {
                throw wrong(key, expected, list);
            }
        }
        return list;
    }

    /** {@code key} as an element type ({@code "float32"} or {@code "float64"}). */
    public DType dtype(String key) {
        return named(key, DType.values());
    }

    /** {@code key} as an activation name ({@code "relu"}, {@code "tanh"}, ...). */
    public Activation activation(String key) {
        return named(key, Activation.values());
    }

    private <E extends Enum<E>> E named(String key, E[] values) {
        String v = text(key);
        for (E e : values) {
            if (e.name().equalsIgnoreCase(v)) {
                return e;
            }
        }
        throw wrong(key, "one of " + Arrays.toString(values).toLowerCase(Locale.ROOT), v);
    }

    /** A copy with {@code key} set to the lower-case name of an enum constant (a dtype, an activation). */
    public PartConfig with(String key, Enum<?> value) {
        return with(key, (Object) value.name().toLowerCase(Locale.ROOT));
    }

    /** {@code key} as a nested part's config. */
    public PartConfig part(String key) {
        Object v = get(key);
        if (v instanceof PartConfig c) {
            return c;
        }
        throw wrong(key, "a part config", v);
    }

    /** {@code key} as a list of part configs. */
    public List<PartConfig> parts(String key) {
        return elements(key, PartConfig.class, "a list of part configs").stream().map(PartConfig.class::cast).toList();
    }

    private List<?> list(String key) {
        Object v = get(key);
        if (v instanceof List<?> l) {
            return l;
        }
        throw wrong(key, "an array", v);
    }

    private IllegalArgumentException wrong(String key, String expected, Object actual) {
        return new IllegalArgumentException(type + ": config '" + key + "' must be " + expected + ", got " + actual);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartConfig c && type.equals(c.type) && values.equals(c.values);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + values.hashCode();
    }

    @Override
    public String toString() {
        return type + values;
    }
}
