/**
 * Autoregressive transforms: a {@link org.flows4j.nn.MADE} computes each feature's transformer parameters
 * from the features before it. {@link org.flows4j.transform.autoregressive.AutoregressiveTransform} takes
 * any {@link org.flows4j.transform.ElementwiseTransformer};
 * {@link org.flows4j.transform.autoregressive.MaskedAffineAutoregressive} (MAF) is fast in the forward
 * (density) direction and takes {@code D} sequential steps to sample (without gradients, each hidden unit
 * is computed once: {@link org.flows4j.nn.IncrementalMADE});
 * {@link org.flows4j.transform.autoregressive.InverseAutoregressive} (IAF) is the reverse.
 */
package org.flows4j.transform.autoregressive;
