#!/usr/bin/python3
"""Makes the TorchScript fixtures of Lethe's "bring your own model" tests.

Run with Debian's python3-torch 1.13 (no network, CPU only, about a minute):

    /usr/bin/python3 make_torchscript_fixtures.py [OUT_DIR]

It trains a small CNN with BatchNorm for two epochs on the first 3000 Fashion-MNIST training
images (Debian package dataset-fashion-mnist) and writes into OUT_DIR (default: this directory):

  model.pt / model.json        torch.jit.script of the CNN, returning logits (N, 10)
  traced.pt / traced.json      torch.jit.trace of the same CNN in eval mode
  features.pt / features.json  torch.jit.script of a wrapper returning (logits, features (N, 32))
  noparams.pt / noparams.json  a module without parameters (10 pooled pixels as "logits"), which
                               the engine must refuse: there is nothing to unlearn
  expected.json                8 test images (uint8 pixels, N x 1 x 28 x 28) and the eval-mode
                               logits and features Python computes for them

Nothing at build or test time runs Python: the outputs are committed.
"""
import gzip
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = "/usr/share/datasets/fashion-mnist"
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
MEAN, STD = 0.2860, 0.3530


def idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.conv3 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn3 = nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, 10)

    def features(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
        x = F.relu(self.bn3(self.conv3(x)))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)

    def forward(self, x):
        return self.fc(self.features(x))


class WithFeatures(nn.Module):
    """Returns (logits, features), as Lethe's descriptor field featuresOutput expects."""

    def __init__(self, cnn):
        super().__init__()
        self.cnn = cnn

    def forward(self, x):
        f = self.cnn.features(x)
        return self.cnn.fc(f), f


class NoParameters(nn.Module):
    def forward(self, x):
        return torch.flatten(F.adaptive_avg_pool2d(x, (2, 5)), 1)


def descriptor(features_output=None):
    d = {
        "formatVersion": 1,
        "input": {"channels": 1, "height": 28, "width": 28},
        "normalization": {"mean": [MEAN], "std": [STD]},
        "labels": LABELS,
    }
    if features_output is not None:
        d["featuresOutput"] = features_output
    return d


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(7)
    images = idx("train-images-idx3-ubyte.gz")[:3000].float().div(255).unsqueeze(1)
    labels = idx("train-labels-idx1-ubyte.gz")[:3000].long()
    x_all = (images - MEAN) / STD
    cnn = SmallCnn()
    opt = torch.optim.Adam(cnn.parameters(), lr=3e-3)
    cnn.train()
    for epoch in range(2):
        perm = torch.randperm(len(x_all))
        for i in range(0, len(perm), 64):
            b = perm[i:i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(cnn(x_all[b]), labels[b])
            loss.backward()
            opt.step()
        print("epoch", epoch, "last batch loss", float(loss))
    cnn.eval()

    test = idx("t10k-images-idx3-ubyte.gz")[:8]
    x = (test.float().div(255).unsqueeze(1) - MEAN) / STD
    scripted = torch.jit.script(cnn)
    traced = torch.jit.trace(cnn, x)
    with_features = torch.jit.script(WithFeatures(cnn))
    with torch.no_grad():
        logits = scripted(x)
        features = with_features(x)[1]
        assert torch.allclose(traced(x), logits, atol=1e-6)
        accuracy = (cnn((idx("t10k-images-idx3-ubyte.gz")[:1000].float().div(255).unsqueeze(1)
                         - MEAN) / STD).argmax(1)
                    == idx("t10k-labels-idx1-ubyte.gz")[:1000].long()).float().mean()
    print("test accuracy on 1000 images", float(accuracy))

    scripted.save(os.path.join(out, "model.pt"))
    traced.save(os.path.join(out, "traced.pt"))
    with_features.save(os.path.join(out, "features.pt"))
    torch.jit.script(NoParameters()).save(os.path.join(out, "noparams.pt"))
    for name, d in [("model", descriptor()), ("traced", descriptor()),
                    ("features", descriptor(1)), ("noparams", descriptor())]:
        with open(os.path.join(out, name + ".json"), "w") as f:
            json.dump(d, f, indent=2)
            f.write("\n")
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({
            "torch": torch.__version__,
            "shape": list(test.unsqueeze(1).shape),
            "pixels": test.flatten().tolist(),
            "logits": [[round(v, 7) for v in row] for row in logits.tolist()],
            "features": [[round(v, 7) for v in row] for row in features.tolist()],
        }, f)
        f.write("\n")


if __name__ == "__main__":
    main()
