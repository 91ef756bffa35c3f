package org.flows4j.data;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.flows4j.tensor.Rng;

/**
 * Two-dimensional toy distributions for flow tests and demos, generated from a seed. Every draw
 * comes from one {@link Rng}, so {@code (name, n, seed)} fixes the output exactly. Definitions (with
 * {@code U} uniform on [0, 1), {@code N(0, s^2)} normal, independent per use):
 *
 * <ul>
 *   <li>{@code moons}: {@code m = n/2} outer points {@code (cos t, sin t)} with {@code t_k = pi k/(m-1)},
 *       and {@code n - m} inner points {@code (1 - cos t, 1 - sin t - 0.5)} on the same kind of grid;
 *       add {@code N(0, 0.1^2)} to each coordinate, shuffle, then map {@code x -> 2x + (-1, -0.2)}.
 *       Noise-free mean for even {@code n}: {@code (0, 0.3)}.</li>
 *   <li>{@code circles}: {@code n/2} points on the circle of radius 1 at angles {@code 2 pi k/m}, the
 *       rest on radius 0.5 likewise; add {@code N(0, 0.08^2)}, shuffle, multiply by 3.</li>
 *   <li>{@code 8gaussians}: pick one of the eight directions {@code (+-1, 0), (0, +-1),
 *       (+-1/sqrt 2, +-1/sqrt 2)} uniformly, point {@code = (4 c + N(0, 0.5^2 I)) / 1.414}; components are
 *       centred at radius {@code 4/1.414 = 2.8289} with standard deviation {@code 0.5/1.414}.</li>
 *   <li>{@code checkerboard}: {@code x1 = 4U - 2}, {@code x2 = U - 2 B + (floor(x1) mod 2)} with
 *       {@code B} uniform on {0, 1}, then {@code x -> 2x}: uniform on the 8 squares of side 2 in
 *       {@code [-4, 4)^2} whose cell indices {@code floor(x1/2) + floor(x2/2)} are even.</li>
 *   <li>{@code 2spirals}: {@code t = 3 pi sqrt(U)}, arm point {@code d = (-t cos t + 0.5U, t sin t + 0.5U)};
 *       the first {@code n/2} points take {@code d}, the rest {@code -d} (fresh draws); shuffle, divide by 3
 *       and add {@code N(0, 0.1^2)}.</li>
 *   <li>{@code pinwheel}: point {@code i} belongs to arm {@code k = i mod 5} at angle {@code 2 pi k/5};
 *       draw {@code r = 1 + N(0, 0.3^2)}, {@code s = N(0, 0.1^2)}, set {@code a = 2 pi k/5 + 0.25 exp(r)}
 *       and output {@code 2 (r cos a + s sin a, -r sin a + s cos a)}; shuffle.</li>
 *   <li>{@code rings}: a quarter of the points on each of the circles of radius 1, 0.75, 0.5, 0.25 (the
 *       last takes the remainder) at evenly spaced angles, times 3, plus {@code N(0, 0.08^2)}; shuffle.</li>
 *   <li>{@code swissroll}: {@code t = 1.5 pi (1 + 2U)}, point {@code ((t cos t, t sin t) + N(0, I)) / 5}.</li>
 * </ul>
 *
 * <p>{@link #entropy} gives the true differential entropies quoted by the project's issue (the best
 * achievable test NLL): moons 2.391, 8gaussians 2.833, checkerboard ln 32 = 3.466, circles 3.268,
 * rings 2.624 nats.
 *
 * <p>These follow the toy sets of FFJORD (Grathwohl et al. 2019), which build moons and circles on
 * scikit-learn's {@code make_moons}/{@code make_circles}. Cost: O(n) time and memory.
 */
public final class Toys {
    /**
     * Rows {@code flows4j train} generates for a toy by default. Toys cost nothing to draw, and with 100,000
     * rows (80,000 for training) the held-out gap to the true entropy fell for every flow measured, e.g. RealNVP
     * on moons from 0.044 to 0.021 nats (docs/FIT_QUALITY.md).
     */
    public static final int DEFAULT_ROWS = 100_000;

    private interface Generator {
        double[][] generate(int n, Rng rng);
    }

    private static final Map<String, Generator> GENERATORS = new LinkedHashMap<>();
    private static final Map<String, Double> ENTROPY = Map.of("moons", 2.391, "8gaussians", 2.833,
            "checkerboard", 3.466, "circles", 3.268, "rings", 2.624);

    static {
        GENERATORS.put("moons", Toys::moons);
        GENERATORS.put("circles", Toys::circles);
        GENERATORS.put("8gaussians", Toys::eightGaussians);
        GENERATORS.put("checkerboard", Toys::checkerboard);
        GENERATORS.put("2spirals", Toys::twoSpirals);
        GENERATORS.put("pinwheel", Toys::pinwheel);
        GENERATORS.put("rings", Toys::rings);
        GENERATORS.put("swissroll", Toys::swissRoll);
    }

    private Toys() {
    }

    /** The known toy names, in a fixed order. */
    public static List<String> names() {
        return List.copyOf(GENERATORS.keySet());
    }

    /**
     * {@code n} points of toy {@code name} as an {@code [n][2]} array, fully determined by {@code seed}.
     *
     * @throws IllegalArgumentException for an unknown name (the message lists the known ones) or {@code n < 0}
     */
    public static double[][] generate(String name, int n, long seed) {
        Generator g = GENERATORS.get(name);
        if (g == null) {
            throw new IllegalArgumentException("Toys.generate: unknown toy '" + name + "'; known toys: "
                    + String.join(", ", GENERATORS.keySet()));
        }
        if (n < 0) {
            throw new IllegalArgumentException("Toys.generate: n must be >= 0, got " + n);
        }
        return g.generate(n, new Rng(seed));
    }

    /**
     * The true differential entropy in nats of toy {@code name}, where a value is known: moons 2.391,
     * 8gaussians 2.833, checkerboard 3.466 (= ln 32, uniform on area 32). These are quoted values (the
     * flows4j issue tracker, after the FFJORD/nflows benchmarks), not computed here; empty for the others.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static OptionalDouble entropy(String name) {
        if (!GENERATORS.containsKey(name)) {
            throw new IllegalArgumentException("Toys.entropy: unknown toy '" + name + "'; known toys: "
                    + String.join(", ", GENERATORS.keySet()));
        }
        Double h = ENTROPY.get(name);
        return h == null ? OptionalDouble.empty() : OptionalDouble.of(h);
    }

    /** {@code t_k = span * k / (m - 1)} for {@code endpoint}, else {@code span * k / m}. */
    private static double grid(int k, int m, double span, boolean endpoint) {
        if (endpoint) {
            return m > 1 ? span * k / (m - 1) : 0.0;
        }
        return span * k / m;
    }

    private static double[][] moons(int n, Rng rng) {
        int outer = n / 2;
        int inner = n - outer;
        double[][] x = new double[n][];
        for (int k = 0; k < outer; k++) {
            double t = grid(k, outer, Math.PI, true);
            x[k] = new double[] {Math.cos(t), Math.sin(t)};
        }
        for (int k = 0; k < inner; k++) {
            double t = grid(k, inner, Math.PI, true);
            x[outer + k] = new double[] {1 - Math.cos(t), 1 - Math.sin(t) - 0.5};
        }
        addNoise(x, 0.1, rng);
        double[][] out = shuffled(x, rng);
        for (double[] p : out) {
            p[0] = 2 * p[0] - 1;
            p[1] = 2 * p[1] - 0.2;
        }
        return out;
    }

    private static double[][] circles(int n, Rng rng) {
        int outer = n / 2;
        int inner = n - outer;
        double[][] x = new double[n][];
        for (int k = 0; k < outer; k++) {
            double t = grid(k, outer, 2 * Math.PI, false);
            x[k] = new double[] {Math.cos(t), Math.sin(t)};
        }
        for (int k = 0; k < inner; k++) {
            double t = grid(k, inner, 2 * Math.PI, false);
            x[outer + k] = new double[] {0.5 * Math.cos(t), 0.5 * Math.sin(t)};
        }
        addNoise(x, 0.08, rng);
        double[][] out = shuffled(x, rng);
        scale(out, 3);
        return out;
    }

    private static double[][] eightGaussians(int n, Rng rng) {
        double d = 1 / Math.sqrt(2);
        double[][] dirs = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {d, d}, {d, -d}, {-d, d}, {-d, -d}};
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            double z0 = 0.5 * rng.nextGaussian();
            double z1 = 0.5 * rng.nextGaussian();
            double[] c = dirs[rng.nextInt(8)];
            x[i] = new double[] {(4 * c[0] + z0) / 1.414, (4 * c[1] + z1) / 1.414};
        }
        return x;
    }

    private static double[][] checkerboard(int n, Rng rng) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            double x1 = 4 * rng.nextDouble() - 2;
            double x2 = rng.nextDouble() - 2 * rng.nextInt(2) + Math.floorMod((int) Math.floor(x1), 2);
            x[i] = new double[] {2 * x1, 2 * x2};
        }
        return x;
    }

    private static double[][] twoSpirals(int n, Rng rng) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            double t = 3 * Math.PI * Math.sqrt(rng.nextDouble());
            double sign = i < n / 2 ? 1 : -1;
            double dx = -Math.cos(t) * t + 0.5 * rng.nextDouble();
            double dy = Math.sin(t) * t + 0.5 * rng.nextDouble();
            x[i] = new double[] {sign * dx, sign * dy};
        }
        double[][] out = shuffled(x, rng);
        scale(out, 1.0 / 3);
        addNoise(out, 0.1, rng);
        return out;
    }

    private static double[][] pinwheel(int n, Rng rng) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            double r = 1 + 0.3 * rng.nextGaussian();
            double s = 0.1 * rng.nextGaussian();
            double a = 2 * Math.PI * (i % 5) / 5 + 0.25 * Math.exp(r);
            double c = Math.cos(a);
            double sn = Math.sin(a);
            x[i] = new double[] {2 * (r * c + s * sn), 2 * (-r * sn + s * c)};
        }
        return shuffled(x, rng);
    }

    private static double[][] rings(int n, Rng rng) {
        double[] radii = {1, 0.75, 0.5, 0.25};
        double[][] x = new double[n][];
        int start = 0;
        for (int r = 0; r < 4; r++) {
            int count = r < 3 ? n / 4 : n - 3 * (n / 4);
            for (int k = 0; k < count; k++) {
                double t = grid(k, count, 2 * Math.PI, false);
                x[start + k] = new double[] {3 * radii[r] * Math.cos(t), 3 * radii[r] * Math.sin(t)};
            }
            start += count;
        }
        addNoise(x, 0.08, rng);
        return shuffled(x, rng);
    }

    private static double[][] swissRoll(int n, Rng rng) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            double t = 1.5 * Math.PI * (1 + 2 * rng.nextDouble());
            x[i] = new double[] {(t * Math.cos(t) + rng.nextGaussian()) / 5, (t * Math.sin(t) + rng.nextGaussian()) / 5};
        }
        return x;
    }

    private static void addNoise(double[][] x, double sigma, Rng rng) {
        for (double[] p : x) {
            p[0] += sigma * rng.nextGaussian();
            p[1] += sigma * rng.nextGaussian();
        }
    }

    private static void scale(double[][] x, double factor) {
        for (double[] p : x) {
            p[0] *= factor;
            p[1] *= factor;
        }
    }

    private static double[][] shuffled(double[][] x, Rng rng) {
        int[] perm = new int[x.length];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = i;
        }
        rng.shuffle(perm);
        double[][] out = new double[x.length][];
        for (int i = 0; i < perm.length; i++) {
            out[i] = x[perm[i]];
        }
        return out;
    }
}
