"""PyTorch reference for `cnn-studio bench`: the same networks, trained the same way
(SGD, cross-entropy on logits, random data), timed in steady state on 2 CPU threads.

    /usr/bin/python3 engine/train/reference/torch_bench.py --model lenet --batch-size 256 --seconds 5

Prints one JSON line: {"model", "batchSize", "imagesPerSecond", "batches", "threads", "torch"}.
The models follow /work/shared/design/presets.md (the book's LeNet, BN-LeNet, ResNet-18).
"""
import argparse
import json
import time

import torch
from torch import nn
from torch.nn import functional as F


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, 10))


def bn_lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(), nn.AvgPool2d(2, 2),
        nn.Flatten(),
        nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
        nn.Linear(84, 10))


class Residual(nn.Module):
    """conv(c,3,s,p1) BN relu conv(c,3,p1) BN, plus the input or a 1×1 stride-s conv of it; relu."""

    def __init__(self, in_channels, channels, use_1x1, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, channels, 3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.shortcut = nn.Conv2d(in_channels, channels, 1, stride=stride) if use_1x1 else None
        self.bn1 = nn.BatchNorm2d(channels)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.shortcut(x) if self.shortcut is not None else x))


def resnet18():
    def stage(in_channels, channels, first):
        return nn.Sequential(
            Residual(in_channels, channels, use_1x1=not first, stride=1 if first else 2),
            Residual(channels, channels, use_1x1=False))

    return nn.Sequential(
        nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3), nn.BatchNorm2d(64), nn.ReLU(),
        nn.MaxPool2d(kernel_size=3, stride=2, padding=1),
        stage(64, 64, True), stage(64, 128, False), stage(128, 256, False), stage(256, 512, False),
        nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(512, 10))


MODELS = {'lenet': (lenet, 28), 'bn-lenet': (bn_lenet, 28), 'resnet18': (resnet18, 96)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model', choices=sorted(MODELS), required=True)
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--seconds', type=float, default=5.0)
    parser.add_argument('--warmup', type=int, default=2, help='batches run before timing starts')
    parser.add_argument('--min-batches', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    build, side = MODELS[args.model]
    net = build()
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(args.batch_size, 1, side, side)
    y = torch.randint(0, 10, (args.batch_size,))

    def step():
        optimizer.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    batches = 0
    started = time.perf_counter()
    while batches < args.min_batches or time.perf_counter() - started < args.seconds:
        step()
        batches += 1
    elapsed = time.perf_counter() - started
    print(json.dumps({
        'model': args.model,
        'batchSize': args.batch_size,
        'imagesPerSecond': batches * args.batch_size / elapsed,
        'batches': batches,
        'threads': args.threads,
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
