package org.flows4j.flows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.flows4j.data.Standardizer;
import org.flows4j.nn.Module;
import org.flows4j.nn.Parts;
import org.flows4j.nn.Parameter;

/**
 * What there is to know about a {@link FlowModel} without running it, as plain values: the architecture
 * spec, every module of the flow's tree with its parameter count, the preprocessing (standardization
 * summarized by ranges), the column names and the training summary. {@code flows4j info} prints it as text
 * or JSON; {@link #of} builds it.
 *
 * @param spec                    the architecture the flow was built from, or null for a flow without one
 * @param layers                  every module of the flow's tree, the flow itself first, then depth first
 *                                in registration order (the order of the state dict)
 * @param totalParameters         {@code flow.numParameters()}: the sum of every layer's {@link Layer#parameters()}
 * @param standardization         ranges of the data standardizer, or null when the data are used as they are
 * @param contextStandardization  ranges of the context standardizer, or null
 * @param dequantizeLevels        levels of uniform dequantization (256 for 8-bit pixels), 0 for continuous data
 * @param columns                 data column names, in order
 * @param contextColumns          context column names, in order (empty for an unconditional model)
 * @param training                how the model was trained, or null when the model records nothing
 */
public record ModelCard(FlowSpec spec, List<Layer> layers, long totalParameters, Scaling standardization,
                        Scaling contextStandardization, int dequantizeLevels, List<String> columns,
                        List<String> contextColumns, Training training) {

    /** Copies the lists. */
    public ModelCard {
        layers = List.copyOf(layers);
        columns = List.copyOf(columns);
        contextColumns = List.copyOf(contextColumns);
    }

    /**
     * One module of the flow's tree.
     *
     * @param path              dotted path from the flow, as in the state dict ({@code transform.steps.0.conditioner});
     *                          empty for the flow itself
     * @param type              the module's type name ({@link #typeOf})
     * @param parameters        elements of the parameters registered on this module itself (not its children); a
     *                          parameter shared by several modules counts once, at the first path that reaches it,
     *                          so the rows add up to {@link ModelCard#totalParameters()}
     * @param subtreeParameters {@link Module#numParameters()}: this module's and its descendants' parameters
     */
    public record Layer(String path, String type, long parameters, long subtreeParameters) {
    }

    /**
     * A standardizer {@code u = (x - mean) / scale} summarized by the ranges of its vectors.
     *
     * @param columns  number of columns it applies to
     * @param meanMin  smallest mean
     * @param meanMax  largest mean
     * @param scaleMin smallest scale
     * @param scaleMax largest scale
     */
    public record Scaling(int columns, double meanMin, double meanMax, double scaleMin, double scaleMax) {
        /** The ranges of {@code s}, or null when {@code s} is null. */
        static Scaling of(Standardizer s) {
            if (s == null) {
                return null;
            }
            double[] mean = s.mean();
            double[] scale = s.scale();
            return new Scaling(mean.length, min(mean), max(mean), min(scale), max(scale));
        }

        private static double min(double[] v) {
            double m = Double.POSITIVE_INFINITY;
            for (double x : v) {
                m = Math.min(m, x);
            }
            return m;
        }

        private static double max(double[] v) {
            double m = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                m = Math.max(m, x);
            }
            return m;
        }
    }

    /**
     * The training summary of a model.
     *
     * @param data           where the training data came from (a file path or {@code toy:NAME})
     * @param trainRows      rows trained on
     * @param validationRows rows used for early stopping
     * @param testRows       held-out rows of the test NLL (0 if none)
     * @param bestEpoch      the epoch whose weights were kept
     * @param epochs         epochs run
     * @param testNll        mean test NLL in data units, or null without test rows
     * @param seconds        wall time of the training
     */
    public record Training(String data, int trainRows, int validationRows, int testRows, int bestEpoch, int epochs,
                           Double testNll, double seconds) {
        /** The card's view of {@code s}, or null when {@code s} is null. */
        static Training of(TrainingSummary s) {
            if (s == null) {
                return null;
            }
            return new Training(s.data(), s.trainRows(), s.validationRows(), s.testRows(), s.bestEpoch(),
                    s.epochs().size(), Double.isFinite(s.testNll()) ? s.testNll() : null, s.seconds());
        }
    }

    /** The card of {@code model}. */
    public static ModelCard of(FlowModel model) {
        Flow flow = model.flow();
        Map<String, Long> own = new HashMap<>();
        for (Map.Entry<String, Parameter> e : flow.parameters().entrySet()) {
            String name = e.getKey();
            int dot = name.lastIndexOf('.');
            own.merge(dot < 0 ? "" : name.substring(0, dot), (long) e.getValue().numel(), Long::sum);
        }
        List<Layer> layers = new ArrayList<>();
        walk(flow, "", own, layers);
        Preprocessing pre = model.preprocessing();
        return new ModelCard(model.spec().orElse(null), layers, flow.numParameters(), Scaling.of(pre.data()),
                Scaling.of(pre.context()), pre.dequantizeLevels(), model.columns(), model.contextColumns(),
                Training.of(model.summary().orElse(null)));
    }

    private static void walk(Module m, String path, Map<String, Long> own, List<Layer> out) {
        out.add(new Layer(path, typeOf(m), own.getOrDefault(path, 0L), m.numParameters()));
        for (Map.Entry<String, Module> c : m.children().entrySet()) {
            walk(c.getValue(), path.isEmpty() ? c.getKey() : path + "." + c.getKey(), own, out);
        }
    }

    /**
     * The type name of a module as the card shows it: its registered part type ({@link Parts#nameOf}), else its
     * class's simple name (the full name for an anonymous class) for pieces inside parts and unregistered parts.
     */
    public static String typeOf(Module m) {
        String registered = Parts.nameOf(m);
        if (registered != null) {
            return registered;
        }
        String simple = m.getClass().getSimpleName();
        return simple.isEmpty() ? m.getClass().getName() : simple;
    }
}
