package dev.kiln.samples.io;

import dev.kiln.dsl.Dense;
import dev.kiln.dsl.Elu;
import dev.kiln.dsl.Layer;
import dev.kiln.dsl.LeakyRelu;
import dev.kiln.dsl.Network;
import dev.kiln.dsl.Sigmoid;
import dev.kiln.dsl.Softmax;
import dev.kiln.dsl.Tanh;

/**
 * A network with one of each kind of layer PyTorch spells differently: tanh, leaky ReLU on a layer
 * without bias, ELU with its own alpha, sigmoid and a softmax output. {@code torch_interop.py} declares
 * the same network as {@code torch.nn} modules named like these fields; Kiln generates {@link KilnMixed}.
 */
@Network(input = 5, maxBatch = 16)
class Mixed {
    @Dense(8) @Tanh Layer encoder;
    @Dense(value = 6, bias = false) @LeakyRelu(alpha = 0.1) Layer gate;
    @Dense(4) @Elu(alpha = 0.5) Layer mix;
    @Dense(4) @Sigmoid Layer squash;
    @Dense(3) @Softmax Layer head;
}
