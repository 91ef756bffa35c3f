package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.flows4j.autodiff.Variable;
import org.flows4j.data.Standardizer;
import org.flows4j.distribution.StandardNormal;
import org.flows4j.nn.Module;
import org.flows4j.nn.Parameter;
import org.flows4j.tensor.DType;
import org.flows4j.tensor.Tensor;
import org.flows4j.transform.ActNorm;
import org.flows4j.transform.Composite;
import org.flows4j.transform.LULinear;
import org.flows4j.transform.Permutation;
import org.flows4j.transform.Transform;
import org.flows4j.transform.Transformed;
import org.junit.jupiter.api.Test;

class ModelCardTest {
    /** A module holding a parameter it shares with its parent, and one of its own. */
    static final class Inner extends Module {
        Inner(Parameter shared) {
            registerParameter("w", shared);
            registerParameter("b", Tensor.zeros(DType.FLOAT64, 2));
        }
    }

    /** A transform (never run) with a 4-element parameter that its child {@link Inner} shares. */
    static final class SharedPair extends Transform {
        SharedPair() {
            super(3, 0);
            Parameter w = registerParameter("w", Tensor.zeros(DType.FLOAT64, 4));
            registerModule("inner", new Inner(w));
        }

        @Override
        protected Transformed applyForward(Variable x, Variable context) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected Transformed applyInverse(Variable y, Variable context) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void aHandBuiltFlowGivesOneRowPerModuleWithItsOwnAndItsSubtreesParameters() {
        Flow flow = new Flow(new Composite(new ActNorm(3, DType.FLOAT64), Permutation.of(new int[] {2, 0, 1}),
                LULinear.identity(3, DType.FLOAT64), new SharedPair()), new StandardNormal(3, DType.FLOAT64));
        FlowModel model = FlowModel.of(flow).withColumns(List.of("a", "b", "c"), List.of());
        ModelCard card = ModelCard.of(model);
        // ActNorm: loc 3 + logScale 3; LULinear(3): lower 3 + upper 3 + logDiagU 3 + bias 3; SharedPair: w 4, inner: b 2
        // (w counted once, at its first path); Permutation and the base hold buffers only.
        List<ModelCard.Layer> expected = List.of(
                new ModelCard.Layer("", "flow", 0, 24),
                new ModelCard.Layer("transform", "composite", 0, 24),
                new ModelCard.Layer("transform.0", "actnorm", 6, 6),
                new ModelCard.Layer("transform.1", "permutation", 0, 0),
                new ModelCard.Layer("transform.2", "lu-linear", 12, 12),
                new ModelCard.Layer("transform.3", "SharedPair", 4, 6),
                new ModelCard.Layer("transform.3.inner", "Inner", 2, 6),
                new ModelCard.Layer("base", "standard-normal", 0, 0));
        assertEquals(expected, card.layers());
        assertEquals(24, card.totalParameters());
        assertNull(card.standardization());
        assertNull(card.training());
        assertEquals(0, card.dequantizeLevels());
        assertEquals(List.of("a", "b", "c"), card.columns());
    }

    @Test
    void everyBuiltInFlowsRowsAreUniquePathsWhoseCountsAddUpToTheFlows() {
        for (String kind : FlowSpec.KINDS) {
            FlowSpec spec = FlowSpec.defaults(kind, 4).withContext(2).withLayers(3).withHidden(8, 8).withLuMixing(true);
            FlowModel model = FlowModel.untrained(spec, null);
            ModelCard card = ModelCard.of(model);
            long sum = card.layers().stream().mapToLong(ModelCard.Layer::parameters).sum();
            assertEquals(model.flow().numParameters(), sum, kind);
            assertEquals(model.flow().numParameters(), card.totalParameters(), kind);
            Set<String> paths = new HashSet<>();
            for (ModelCard.Layer l : card.layers()) {
                assertTrue(paths.add(l.path()), kind + ": path " + l.path() + " twice");
                assertTrue(l.subtreeParameters() >= l.parameters(), kind + " " + l.path());
            }
            for (String name : model.flow().parameters().keySet()) {
                String owner = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
                assertTrue(paths.contains(owner), kind + ": parameter " + name + " has no row for its module");
            }
            assertTrue(card.layers().size() > 3 * 3, kind + ": every step contributes modules: " + card.layers().size());
            assertEquals(spec, card.spec());
            assertEquals(List.of("c0", "c1"), card.contextColumns());
        }
    }

    @Test
    void preprocessingIsSummarizedByRangesAndTheTrainingByItsNumbers() {
        FlowSpec spec = FlowSpec.defaults("realnvp", 3).withContext(1).withLayers(1).withHidden(4);
        Preprocessing pre = new Preprocessing(new Standardizer(new double[] {1, -2, 5}, new double[] {0.5, 3, 1}),
                new Standardizer(new double[] {7}, new double[] {2}), 256);
        List<EpochStats> epochs = List.of(new EpochStats(1, 10, 3.0, 2.9, 1e-3, 0.5),
                new EpochStats(2, 20, 2.8, 2.7, 5e-4, 0.4), new EpochStats(3, 30, 2.7, 2.75, 1e-4, 0.4));
        TrainingSummary summary = new TrainingSummary("toy:moons", 700, 150, 0, epochs, 2, Double.NaN, 1.25, 9, 2);
        ModelCard card = ModelCard.of(FlowModel.untrained(spec, pre).withSummary(summary));
        assertEquals(new ModelCard.Scaling(3, -2, 5, 0.5, 3), card.standardization());
        assertEquals(new ModelCard.Scaling(1, 7, 7, 2, 2), card.contextStandardization());
        assertEquals(256, card.dequantizeLevels());
        assertEquals(new ModelCard.Training("toy:moons", 700, 150, 0, 2, 3, null, 1.25), card.training());
        TrainingSummary tested = new TrainingSummary("d.csv", 7, 1, 2, epochs, 3, 2.5, 1.0, 9, 2);
        assertEquals(2.5, ModelCard.of(FlowModel.untrained(spec, pre).withSummary(tested)).training().testNll());
    }

    @Test
    void theTypeOfAModuleIsItsPartTypeElseItsClassName() {
        assertEquals("actnorm", ModelCard.typeOf(new ActNorm(2, DType.FLOAT32)));
        assertEquals("Linear", ModelCard.typeOf(new org.flows4j.nn.Linear(2, 2, true, DType.FLOAT32,
                new org.flows4j.tensor.Rng(1))));
        Module anonymous = new Module() {
        };
        assertEquals(ModelCardTest.class.getName() + "$1", ModelCard.typeOf(anonymous));
    }
}
