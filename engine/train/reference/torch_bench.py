"""PyTorch reference for `cnn-studio bench`: the same network, trained the same way (SGD, the
app's loss, random data), timed in steady state on 2 CPU threads.

    /usr/bin/python3 engine/train/reference/torch_bench.py --model-dir EXPORT --name lenet --batch-size 256

EXPORT is the preset exported by CNN Studio's PyTorch generator (model.py and train.py, as
`cnn-studio export --to pytorch` writes them), so the benchmark runs exactly the exported
network and loss. Prints one JSON line: {"model", "batchSize", "imagesPerSecond", "batches",
"threads", "torch"}.
"""
import argparse
import json
import sys
import time

import torch


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--model-dir', required=True, help='a PyTorch export: model.py and train.py')
    parser.add_argument('--name', required=True, help='the preset id, echoed in the result')
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--seconds', type=float, default=5.0)
    parser.add_argument('--warmup', type=int, default=2, help='batches run before timing starts')
    parser.add_argument('--min-batches', type=int, default=2)
    parser.add_argument('--threads', type=int, default=2)
    args = parser.parse_args()

    sys.path.insert(0, args.model_dir)
    from model import INPUT_SHAPE, NUM_CLASSES, build_model
    from train import loss_fn

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    net = build_model()
    net.train()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.05)
    x = torch.rand(args.batch_size, *INPUT_SHAPE)
    y = torch.randint(0, NUM_CLASSES, (args.batch_size,))

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
        'model': args.name,
        'batchSize': args.batch_size,
        'imagesPerSecond': batches * args.batch_size / elapsed,
        'batches': batches,
        'threads': args.threads,
        'torch': torch.__version__,
    }))


if __name__ == '__main__':
    main()
