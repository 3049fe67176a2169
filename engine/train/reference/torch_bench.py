"""PyTorch reference for `cnn-studio bench`: the same networks, trained the same way
(SGD, cross-entropy on logits, random data), timed in steady state on 2 CPU threads.

    /usr/bin/python3 engine/train/reference/torch_bench.py --model lenet --batch-size 256 --seconds 5

Prints one JSON line: {"model", "batchSize", "imagesPerSecond", "batches", "threads", "torch"}.
The models are the book's LeNet, BN-LeNet and ResNet-18 from engine/presets/reference/book_models.py.
"""
import argparse
import json
import os
import sys
import time

import torch
from torch import nn

# One definition of the book's networks: the reference the presets are tested against.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'presets', 'reference'))
from book_models import bn_lenet, lenet, resnet18  # noqa: E402


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
