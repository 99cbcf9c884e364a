package dev.kiln.runtime.regularize;

import dev.kiln.runtime.Model;

/**
 * A term {@code R(w)} added to the training objective, so that training minimizes
 * {@code loss(batch) + R(w)}: the mean loss over the batch, as {@link Model#loss} reports it, plus a
 * penalty on the model's parameters. Factories and the penalties Kiln offers (L1, L2, elastic net, and
 * their sums) are in {@link Regularizers}.
 *
 * <p>The penalty is added once per step, not once per sample: since the loss is already a mean over the
 * batch, the objective, and so the gradient a step follows, does not depend on the batch size. (For a data
 * set of {@code N} samples, the objective is {@code (1/N) Σ loss_i + R(w)}: a coefficient here is
 * {@code 1/N} times the one of a formulation that sums the loss over the data set.)
 *
 * <p>A trainer calls {@link #penalty} to report the regularized loss and {@link #addGradient} after
 * {@link Model#backward()} and before the optimizer's step:
 * <pre>{@code
 * model.zeroGradients();
 * model.forward(x, 0, batch);
 * double objective = model.loss(t, 0) + regularizer.penalty(model);
 * model.backward();
 * regularizer.addGradient(model);
 * optimizer.step(model.parameters(), model.gradients());
 * }</pre>
 * Implementations allocate nothing per call once they have seen the model (they may prepare themselves
 * on the first call), and are not thread-safe.
 */
public interface Regularizer {

    /**
     * The value of the term for the model's current parameters, to be added to the batch's mean loss.
     *
     * @throws IllegalArgumentException if the regularizer does not fit the model (e.g. it names a layer the
     *     model does not have)
     */
    double penalty(Model model);

    /**
     * Adds the gradient of the term with respect to each parameter to {@link Model#gradients()} (where
     * the term is not differentiable, a subgradient its class documents).
     *
     * @throws IllegalArgumentException if the regularizer does not fit the model
     */
    void addGradient(Model model);
}
