/**
 * Coupling layers: a {@link org.flows4j.transform.coupling.CouplingMask} splits the features into a
 * pass-through set A and a transformed set B; a conditioner network reads A (and the context) and sets the
 * parameters of an elementwise transformer applied to B. {@link org.flows4j.transform.coupling.CouplingTransform}
 * takes any {@link org.flows4j.transform.ElementwiseTransformer};
 * {@link org.flows4j.transform.coupling.AffineCoupling} (RealNVP) and
 * {@link org.flows4j.transform.coupling.AdditiveCoupling} (NICE) fix it. Both directions are fast.
 */
package org.flows4j.transform.coupling;
