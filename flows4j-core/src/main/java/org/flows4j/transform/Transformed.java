package org.flows4j.transform;

import org.flows4j.autodiff.Variable;

/**
 * What one application of a {@link Transform} returns: the mapped batch {@code output} ({@code [N, D]})
 * and {@code logDet} ({@code [N]}), the log of the absolute Jacobian determinant of the map at each row,
 * {@code logDet_i = log |det d output_i / d input_i|}.
 *
 * @param output the mapped rows
 * @param logDet one log |det J| per row
 */
public record Transformed(Variable output, Variable logDet) {
}
