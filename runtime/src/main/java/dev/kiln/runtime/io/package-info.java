/**
 * Weights on disk: the safetensors format ({@link dev.kiln.runtime.io.SafeTensors}, named float tensors
 * and metadata, written atomically, read with every field checked) and a model's parameters in it
 * ({@link dev.kiln.runtime.io.Weights}), under the names and shapes PyTorch's {@code state_dict} uses.
 */
package dev.kiln.runtime.io;
