/**
 * Neural-network building blocks on the autodiff engine: {@link org.flows4j.nn.Parameter},
 * {@link org.flows4j.nn.Module} (named parameters, child modules, state dicts),
 * {@link org.flows4j.nn.Init}, {@link org.flows4j.nn.Linear}, {@link org.flows4j.nn.MLP} and
 * {@link org.flows4j.nn.ResidualNet}. Every forward pass is free of mutable scratch state, so a
 * module may be evaluated from several threads at once under {@link org.flows4j.autodiff.GradMode#noGrad()}.
 */
package org.flows4j.nn;
