package dev.kiln.processor.model;

import dev.kiln.spec.NetworkSpec;
import java.util.List;

/**
 * Everything the emitter needs to write a generated class: names, shapes, parameter offsets and
 * buffers. Plain data: computed by {@link Planner} without javac, so it is unit-testable.
 *
 * @param packageName    the package of the generated class
 * @param className      its simple name
 * @param declaredBy     the declaration, as documentation links to it: {@code Iris}, {@code Models#IRIS}
 * @param spec           the network
 * @param layers         one plan per layer, in forward order
 * @param parameters     every parameter tensor, in layout order
 * @param parameterCount the length of the flat parameter array
 * @param buffers        every run of floats in the one allocation, in order: parameters, gradients,
 *                       the input, the targets, each layer's output and output gradient (and a dropout
 *                       layer's mask), the input gradient
 * @param memorySize     the length of the allocation in floats
 * @param loss           how the loss is computed, or null when the network declares none
 * @param state          the tensors the model updates itself, not by gradients (batch norm's running
 *                       statistics), in layout order, at offsets in the {@code state} buffer; empty for most
 *                       networks
 * @param stateCount     the length of the state buffer
 */
public record NetworkPlan(
        String packageName,
        String className,
        String declaredBy,
        NetworkSpec spec,
        List<LayerPlan> layers,
        List<ParameterPlan> parameters,
        int parameterCount,
        List<Buffer> buffers,
        long memorySize,
        LossPlan loss,
        List<ParameterPlan> state,
        int stateCount) {

    public NetworkPlan {
        state = List.copyOf(state);
        layers = List.copyOf(layers);
        parameters = List.copyOf(parameters);
        buffers = List.copyOf(buffers);
    }

    /** The buffer named {@code name}. */
    public Buffer buffer(String name) {
        return buffers.stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no buffer " + name));
    }

    /** The convolution layers, whose workspaces follow the planned buffers in the allocation. */
    public List<LayerPlan> workspaceLayers() {
        return layers.stream().filter(l -> l.workspace() != null).toList();
    }

    /** The layers the backward pass runs, in the order it runs them (the loss may absorb the last). */
    public List<LayerPlan> backwardLayers() {
        int count = loss != null && loss.fused() ? layers.size() - 1 : layers.size();
        return layers.subList(0, count).reversed();
    }
}
