/**
 * Neural-network building blocks on the autodiff engine: {@link org.flows4j.nn.Parameter},
 * {@link org.flows4j.nn.Module} (named parameters, child modules, state dicts),
 * {@link org.flows4j.nn.Init}, {@link org.flows4j.nn.Linear}, {@link org.flows4j.nn.MaskedLinear}, and the
 * {@link org.flows4j.nn.Network}s a flow uses as conditioners: {@link org.flows4j.nn.MLP},
 * {@link org.flows4j.nn.ResidualNet} and {@link org.flows4j.nn.MADE}. Every forward pass is free of mutable
 * scratch state, so a module may be evaluated from several threads at once under
 * {@link org.flows4j.autodiff.GradMode#noGrad()}.
 */
package org.flows4j.nn;
