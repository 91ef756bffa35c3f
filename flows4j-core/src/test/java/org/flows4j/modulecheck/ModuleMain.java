package org.flows4j.modulecheck;

import java.lang.reflect.Method;
import org.flows4j.flows.FlowModel;
import org.flows4j.flows.FlowSpec;
import org.flows4j.io.ModelFile;
import org.flows4j.tensor.ComputeContext;
import org.flows4j.tensor.Tensor;

/**
 * Run by {@link ModuleDescriptorTest} in a JVM with flows4j-core on the module path and this class on the
 * class path: uses the API (a preset flow through the part registry, a model file through Jackson, a
 * compute context) and tries to call a kernel. Prints one {@code key=value} line per finding.
 */
public final class ModuleMain {
    private ModuleMain() {
    }

    /** Prints the module's name, whether the Vector API is present, a model's log-densities and kernel access. */
    public static void main(String[] args) throws Exception {
        System.out.println("module=" + FlowModel.class.getModule().getName());
        System.out.println("vector=" + ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        FlowModel model = ModelFile.decode(ModelFile.encode(FlowModel.untrained(FlowSpec.defaults("nsf", 2))), "module check");
        double[][] rows = {{0.1, -0.2}, {1.5, 0.3}, {-2.0, 0.7}};
        double[] logp;
        try (ComputeContext ctx = ComputeContext.builder().threads(2).spinMicros(0).build()) {
            logp = ctx.call(() -> model.logProb(rows, null));
        }
        StringBuilder s = new StringBuilder("logp=");
        for (double v : logp) {
            s.append(v).append(' ');
        }
        System.out.println(s.toString().trim());
        Class<?> matMul = Class.forName("org.flows4j.tensor.kernel.MatMul");
        Method m = matMul.getMethod("matmul", Tensor.class, Tensor.class);
        try {
            m.invoke(null, Tensor.of(new double[][] {{1}}), Tensor.of(new double[][] {{1}}));
            System.out.println("kernel=accessible");
        } catch (IllegalAccessException e) {
            System.out.println("kernel=hidden");
        }
    }
}
