"""PyTorch's side of Kiln's weight-interchange tests.

Reads and writes safetensors files with json and struct alone (the format is small enough to write from
its definition), and runs the test networks as torch.nn modules whose attributes are named like Kiln's
fields, so that their state_dict names are Kiln's parameter names. Outputs are computed in float64 and
stored as float32, so that they are a double-precision reference for Kiln's float32 forward pass.

    torch_interop.py forward NETWORK WEIGHTS INPUTS OUTPUTS
        load WEIGHTS (written by Kiln) into NETWORK, run it on the tensor "x" of INPUTS, write "y" to OUTPUTS
    torch_interop.py create NETWORK SEED WEIGHTS INPUTS OUTPUTS
        build NETWORK with PyTorch's own initialization from SEED, write its state_dict to WEIGHTS,
        random inputs "x" to INPUTS and the outputs "y" to OUTPUTS
"""
import json
import struct
import sys

import torch
from torch import nn
from torch.nn import functional as F


class Iris(nn.Module):
    """Kiln's samples.iris.Iris: Dense(16) ReLU, Dense(3); logits out."""

    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(4, 16)
        self.out = nn.Linear(16, 3)

    def forward(self, x):
        return self.out(F.relu(self.hidden(x)))


class Mixed(nn.Module):
    """Kiln's samples.io.Mixed: tanh, leaky ReLU without bias, ELU, sigmoid, softmax."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Linear(5, 8)
        self.gate = nn.Linear(8, 6, bias=False)
        self.mix = nn.Linear(6, 4)
        self.squash = nn.Linear(4, 4)
        self.head = nn.Linear(4, 3)

    def forward(self, x):
        x = torch.tanh(self.encoder(x))
        x = F.leaky_relu(self.gate(x), negative_slope=0.1)
        x = F.elu(self.mix(x), alpha=0.5)
        x = torch.sigmoid(self.squash(x))
        return torch.softmax(self.head(x), dim=1)


NETWORKS = {"iris": (Iris, 4), "mixed": (Mixed, 5)}


def fail(path, message):
    raise SystemExit(f"{path}: {message}")


def read_safetensors(path):
    """The F32 tensors of a safetensors file, checking what Kiln promises to write."""
    with open(path, "rb") as f:
        content = f.read()
    if len(content) < 8:
        fail(path, "shorter than the header length")
    (length,) = struct.unpack("<Q", content[:8])
    if length % 8 != 0:
        fail(path, f"header length {length} is not a multiple of 8")
    if 8 + length > len(content):
        fail(path, f"header length {length} exceeds the file")
    header = json.loads(content[8:8 + length].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    data = content[8 + length:]
    tensors = {}
    reached = 0
    for name, entry in sorted(header.items(), key=lambda item: item[1]["data_offsets"]):
        if set(entry) != {"dtype", "shape", "data_offsets"}:
            fail(path, f"{name}: keys {sorted(entry)}")
        if entry["dtype"] != "F32":
            fail(path, f"{name}: dtype {entry['dtype']}")
        begin, end = entry["data_offsets"]
        count = 1
        for d in entry["shape"]:
            count *= d
        if begin != reached or end - begin != 4 * count:
            fail(path, f"{name}: data_offsets {begin, end} after byte {reached}, {count} values")
        values = struct.unpack(f"<{count}f", data[begin:end])
        tensors[name] = torch.tensor(values, dtype=torch.float32).reshape(entry["shape"])
        reached = end
    if reached != len(data):
        fail(path, f"{len(data) - reached} bytes after the last tensor")
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes float32 tensors in the given order, the header padded with spaces to a multiple of 8."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        values = tensor.detach().to(torch.float32).reshape(-1).tolist()
        chunk = struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(chunk)]}
        chunks.append(chunk)
        offset += len(chunk)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for chunk in chunks:
            f.write(chunk)


def outputs(module, x):
    """The module's outputs in float64, on a copy, so the module itself stays float32."""
    reference = type(module)()
    reference.load_state_dict(module.state_dict())
    with torch.no_grad():
        return reference.double()(x.double())


def main(argv):
    command, network = argv[1], argv[2]
    module_class, inputs = NETWORKS[network]
    if command == "forward":
        weights, inputs_path, outputs_path = argv[3:6]
        module = module_class()
        state, _ = read_safetensors(weights)
        module.load_state_dict(state, strict=True)
        x = read_safetensors(inputs_path)[0]["x"]
        write_safetensors(outputs_path, {"y": outputs(module, x)})
    elif command == "create":
        seed, weights, inputs_path, outputs_path = int(argv[3]), argv[4], argv[5], argv[6]
        torch.manual_seed(seed)
        module = module_class()
        x = torch.randn(7, inputs)
        write_safetensors(weights, module.state_dict(), {"format": "pt", "source": "torch " + torch.__version__})
        write_safetensors(inputs_path, {"x": x})
        write_safetensors(outputs_path, {"y": outputs(module, x)})
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv)
