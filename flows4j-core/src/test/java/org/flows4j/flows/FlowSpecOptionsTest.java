package org.flows4j.flows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.flows4j.autodiff.Activation;
import org.flows4j.tensor.DType;
import org.junit.jupiter.api.Test;

/** The {@code dropout} and {@code conditioner} fields of {@link FlowSpec}: defaults, copies, equality and validation. */
class FlowSpecOptionsTest {
    @Test
    void theOldConstructorAndTheDefaultsMeanMlpWithoutDropout() {
        FlowSpec old = new FlowSpec("nsf", 2, 0, 5, new int[] {64, 64}, Activation.RELU, 8, FlowSpec.DEFAULT_TAIL_BOUND, false,
                DType.FLOAT32, 0);
        assertEquals(0.0, old.dropout(), 0.0);
        assertEquals("mlp", old.conditioner());
        assertEquals(FlowSpec.defaults("nsf", 2), old);
    }

    @Test
    void copiesChangeOnlyTheirField() {
        FlowSpec base = FlowSpec.defaults("realnvp", 4).withHidden(32, 32).withSeed(6).withLuMixing(true);
        FlowSpec s = base.withDropout(0.1).withConditioner("ResNet");
        assertEquals(0.1, s.dropout(), 0.0);
        assertEquals("resnet", s.conditioner(), "conditioner names are case-insensitive");
        assertEquals(base, s.withDropout(0).withConditioner("mlp"));
        assertEquals(base.withLayers(3).withDropout(0.1).withConditioner("resnet"), s.withLayers(3));
        assertEquals(0.1, s.withSeed(1).withHidden(8, 8).withDtype(DType.FLOAT64).withContext(2).withSpline(4, 2)
                .withLuMixing(false).dropout(), 0.0, "other copies keep dropout");
        assertEquals("resnet", s.withSeed(1).withLayers(2).conditioner(), "other copies keep the conditioner");
        assertNotEquals(base, base.withDropout(0.1));
        assertNotEquals(base, base.withConditioner("resnet"));
        assertNotEquals(base.hashCode(), base.withDropout(0.1).hashCode());
        assertTrue(s.toString().contains("resnet") && s.toString().contains("dropout=0.1"), s.toString());
    }

    private static void rejected(Runnable build, String... words) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' in: " + e.getMessage());
        }
    }

    @Test
    void badValuesAreRejectedNamingFieldExpectedAndActual() {
        FlowSpec s = FlowSpec.defaults("nsf", 3);
        for (double p : new double[] {-0.01, 1.0, 2.0, Double.NaN}) {
            rejected(() -> s.withDropout(p), "dropout", "[0, 1)", "got " + p);
        }
        rejected(() -> s.withConditioner("cnn"), "conditioner", "'cnn'", "[mlp, resnet]");
        rejected(() -> s.withConditioner(null), "conditioner", "[mlp, resnet]");
        for (String kind : new String[] {"maf", "iaf", "nsf-ar"}) {
            rejected(() -> FlowSpec.defaults(kind, 3).withConditioner("resnet"), "conditioner 'resnet'",
                    "[nice, realnvp, nsf", "'" + kind + "'");
        }
        rejected(() -> s.withHidden(32, 16).withConditioner("resnet"), "resnet", "equal hidden widths", "[32, 16]");
        rejected(() -> s.withConditioner("resnet").withHidden(32, 16), "resnet", "equal hidden widths", "[32, 16]");
    }
}
