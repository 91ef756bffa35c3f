/**
 * flows4j-core: tensors, autodiff, neural-network modules, optimizers, distributions, transforms, flows,
 * training, data, model files and the transform checker.
 *
 * <p>Every package is exported except {@code org.flows4j.tensor.kernel}, the matrix, convolution and
 * elementwise kernels and their scratch memory, which may change between releases. The Vector API is
 * optional ({@code requires static}): started without {@code --add-modules jdk.incubator.vector}, the
 * library runs its scalar kernels with the same results.
 */
module org.flows4j.core {
    requires com.fasterxml.jackson.databind;
    requires static jdk.incubator.vector;

    exports org.flows4j.autodiff;
    exports org.flows4j.check;
    exports org.flows4j.data;
    exports org.flows4j.distribution;
    exports org.flows4j.flows;
    exports org.flows4j.io;
    exports org.flows4j.nn;
    exports org.flows4j.optim;
    exports org.flows4j.tensor;
    exports org.flows4j.train;
    exports org.flows4j.transform;
    exports org.flows4j.transform.autoregressive;
    exports org.flows4j.transform.coupling;
    exports org.flows4j.vi;

    uses org.flows4j.flows.Preset;
    uses org.flows4j.nn.PartProvider;

    provides org.flows4j.nn.PartProvider with org.flows4j.flows.BuiltinParts;
}
