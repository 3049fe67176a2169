"""The book's hand-written PyTorch code, the yardstick of `cnn-studio bench --engine pytorch`:
Dive into Deep Learning 0.17.5's LeNet (6.6), LeNet with batch normalization (7.5, the concise
version), ResNet-18 (7.6) and its `train_ch6` loop (Xavier-uniform init, SGD, CrossEntropyLoss).

    python book_pytorch.py step --name bn-lenet [--model-dir EXPORT] --batch-size 256 --seconds 5
    python book_pytorch.py epochs --name bn-lenet --dataset CACHE.bin --runner-dir DIR --epochs 1 \\
        --batch-size 256 --lr 1.0

`step` times the training step (forward, loss, backward, SGD update) on one batch of random data,
after warm-up: the book's network, or with --model-dir the generated model.py there, through the
same code, so the two figures compare the networks alone.

`epochs` runs the book's train_ch6 loop on the engine's cached dataset (read with the runner's
own reader from --runner-dir) and times each epoch's training pass, as the runner times its
epochs (evaluation excluded). The book feeds PIL images through torchvision's ToTensor with 4
loader workers; here the same images are one in-memory uint8 tensor (÷ 255 per batch, as
ToTensor does), the fastest form of the book's loop, so the comparison does not flatter ours.

Prints one JSON line.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


# The book's networks, transcribed once (the presets' reference): engine/presets/reference.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'presets', 'reference'))
import book_models  # noqa: E402


def book_network(name):
    """The network as the book writes it, and its input shape (C, H, W)."""
    if name not in ('lenet', 'bn-lenet', 'resnet18'):
        raise SystemExit(f"the book's code has no network '{name}' (lenet, bn-lenet, resnet18)")
    make, size = book_models.MODELS[name]
    return make(), (1, size, size)


def init_weights(m):
    """train_ch6's initialization."""
    if type(m) == nn.Linear or type(m) == nn.Conv2d:  # noqa: E721 — the book's test
        nn.init.xavier_uniform_(m.weight)


def network(args):
    """The book's network, or the generated one (--model-dir), with its input shape."""
    if args.model_dir:
        sys.path.insert(0, args.model_dir)
        from model import INPUT_SHAPE, build_model
        return build_model(), tuple(INPUT_SHAPE)
    net, shape = book_network(args.name)
    net.apply(init_weights)
    return net, shape


def parameters(net):
    return sum(p.numel() for p in net.parameters())


def step(args):
    net, shape = network(args)
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
    loss = nn.CrossEntropyLoss()
    X = torch.rand(args.batch_size, *shape)
    y = torch.randint(0, 10, (args.batch_size,))

    def once():
        optimizer.zero_grad()
        l = loss(net(X), y)
        l.backward()
        optimizer.step()

    for _ in range(args.warmup):
        once()
    batches, started = 0, time.perf_counter()
    while batches < 2 or time.perf_counter() - started < args.seconds:
        once()
        batches += 1
    elapsed = time.perf_counter() - started
    return {'imagesPerSecond': batches * args.batch_size / elapsed, 'batches': batches,
            'parameters': parameters(net)}


def epochs(args):
    """train_ch6 on the cached dataset: training-pass seconds per epoch, then test accuracy."""
    sys.path.insert(0, args.runner_dir)
    from runner import indices, open_cache  # the engine's own reader of its dataset cache
    (train_images, train_labels), (test_images, test_labels) = open_cache(args.dataset)
    # the engine run's subsets (--limit), so both train on the same images
    train_idx = indices(args.train_indices, len(train_labels))
    test_idx = indices(args.test_indices, len(test_labels))
    train_images, train_labels = train_images[train_idx], train_labels[train_idx]
    test_images, test_labels = test_images[test_idx], test_labels[test_idx]
    net, shape = network(args)

    def tensors(images, labels):
        x = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2)  # NHWC bytes → NCHW
        if tuple(x.shape[2:]) != shape[1:]:
            x = F.interpolate(x.float(), size=shape[1:], mode='bilinear', align_corners=False).round().to(torch.uint8)
        return x, torch.from_numpy(labels.astype('int64'))

    train_x, train_y = tensors(train_images, train_labels)
    test_x, test_y = tensors(test_images, test_labels)
    batches = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y),
                                          args.batch_size, shuffle=True)
    optimizer = torch.optim.SGD(net.parameters(), lr=args.lr)
    loss = nn.CrossEntropyLoss()
    seconds = []
    for _ in range(args.epochs):
        net.train()
        started = time.perf_counter()
        for X, y in batches:
            optimizer.zero_grad()
            y_hat = net(X.float().div_(255))
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
        seconds.append(time.perf_counter() - started)
    net.eval()
    correct = 0
    with torch.no_grad():
        for start in range(0, len(test_y), 1024):
            X = test_x[start:start + 1024].float().div_(255)
            correct += (net(X).argmax(1) == test_y[start:start + 1024]).sum().item()
    return {'epochSeconds': seconds, 'images': len(train_y),
            'imagesPerSecond': len(train_y) * len(seconds) / sum(seconds),
            'testAccuracy': correct / len(test_y), 'parameters': parameters(net)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('mode', choices=['step', 'epochs'])
    parser.add_argument('--name', required=True, help='lenet, bn-lenet or resnet18')
    parser.add_argument('--model-dir', help="the generated model.py's folder (default: the book's network)")
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--threads', type=int, default=0, help='torch threads (default: one per core)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--seconds', type=float, default=5.0, help='step: time to measure')
    parser.add_argument('--warmup', type=int, default=2, help='step: batches before timing')
    parser.add_argument('--dataset', help="epochs: the engine's dataset cache file")
    parser.add_argument('--runner-dir', help="epochs: the folder of the engine's runner.py")
    parser.add_argument('--train-indices', help="epochs: the run's training images (uint32 file; default all)")
    parser.add_argument('--test-indices', help="epochs: the run's test images (uint32 file; default all)")
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--lr', type=float, default=0.9)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    result = step(args) if args.mode == 'step' else epochs(args)
    print(json.dumps(dict(result, model=args.name, code='generated' if args.model_dir else 'book',
                          batchSize=args.batch_size, threads=torch.get_num_threads(),
                          torch=torch.__version__)))


if __name__ == '__main__':
    main()
