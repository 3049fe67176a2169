/**
 * The `train.py` that goes with an exported `model.py`: the run's settings, Fashion-MNIST
 * (torchvision) or an image folder or synthetic data, and one code path for CPU, one GPU,
 * or many under `torchrun` (DistributedDataParallel). Loss and learning-rate schedule are
 * the app's (pytorch-semantics.ts).
 */
import type { TrainingSettings } from '../graph/document';
import type { ExportPlan } from './plan';
import { torchLossSource, TORCH_SCHEDULE_SOURCE } from './pytorch-semantics';
import { pyLiteral } from './python';

/** The `train.py` source for a planned graph and its training settings. */
export function pytorchTrainSource(plan: ExportPlan, training: TrainingSettings): string {
  const settings = {
    dataset: training.dataset,
    epochs: training.epochs,
    batch_size: training.batchSize,
    lr: training.learningRate,
    optimizer: training.optimizer,
    momentum: training.momentum,
    nesterov: training.nesterov,
    weight_decay: training.weightDecay,
    schedule: training.schedule,
    step_epochs: training.stepEpochs,
    step_gamma: training.stepGamma,
    warmup_epochs: training.warmupEpochs,
    gradient_clip: training.gradientClip,
    seed: training.seed,
    augment_flip: training.augmentFlip,
    augment_crop: training.augmentCrop,
  };
  const settingLines = Object.entries(settings)
    .map(([key, value]) => `    ${JSON.stringify(key)}: ${pyLiteral(value)},`)
    .join('\n');
  return `"""Train ${plan.document.name.replace(/"/g, "'")} with the settings it had in CNN Studio.

One GPU or CPU:     python train.py
Several GPUs:       torchrun --nproc_per_node=4 train.py
Several machines:   torchrun --nnodes=2 --nproc_per_node=8 --rdzv_endpoint=HOST:PORT train.py
Options override the settings: python train.py --epochs 20 --lr 0.05 --data folder --data-dir images/
"""
import argparse
import math
import os
import time

import torch
import torch.distributed as dist
from torch import nn
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

from model import INPUT_SHAPE, NUM_CLASSES, build_model

SETTINGS = {
${settingLines}
}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data', choices=['fashion-mnist', 'mnist', 'folder', 'synthetic'],
                        default=SETTINGS['dataset'] if SETTINGS['dataset'] in ('fashion-mnist', 'mnist') else 'folder')
    parser.add_argument('--data-dir', default='data', help='download folder, or a folder with train/ and test/ sub-folders of class folders')
    parser.add_argument('--epochs', type=int, default=SETTINGS['epochs'])
    parser.add_argument('--batch-size', type=int, default=SETTINGS['batch_size'], help='per process')
    parser.add_argument('--lr', type=float, default=SETTINGS['lr'])
    parser.add_argument('--limit', type=int, default=0, help='use at most this many training images (0 = all)')
    parser.add_argument('--workers', type=int, default=2)
    parser.add_argument('--out', default='model.pt')
    return parser.parse_args()


def transforms():
    from torchvision import transforms as T
    channels, height, width = INPUT_SHAPE
    steps = [T.Resize((height, width))]
    if SETTINGS['augment_flip']:
        steps.append(T.RandomHorizontalFlip())
    if SETTINGS['augment_crop']:
        steps.append(T.RandomCrop((height, width), padding=max(1, height // 8)))
    steps.append(T.Grayscale(channels) if channels in (1, 3) else T.Lambda(lambda image: image))
    steps.append(T.ToTensor())  # [0, 1], as CNN Studio feeds images
    return T.Compose(steps)


def datasets(args):
    channels, height, width = INPUT_SHAPE
    if args.data == 'synthetic':
        generator = torch.Generator().manual_seed(SETTINGS['seed'])
        def make(n):
            return TensorDataset(torch.rand(n, channels, height, width, generator=generator),
                                 torch.randint(0, NUM_CLASSES, (n,), generator=generator))
        return make(args.limit or 512), make(max(64, (args.limit or 512) // 4))
    import torchvision
    if args.data == 'folder':
        train = torchvision.datasets.ImageFolder(os.path.join(args.data_dir, 'train'), transforms())
        test = torchvision.datasets.ImageFolder(os.path.join(args.data_dir, 'test'), transforms())
    else:
        cls = torchvision.datasets.FashionMNIST if args.data == 'fashion-mnist' else torchvision.datasets.MNIST
        train = cls(args.data_dir, train=True, download=True, transform=transforms())
        test = cls(args.data_dir, train=False, download=True, transform=transforms())
    if args.limit:
        train = torch.utils.data.Subset(train, range(min(args.limit, len(train))))
    return train, test


def make_optimizer(model, lr):
    name, decay = SETTINGS['optimizer'], SETTINGS['weight_decay']
    if name == 'sgd':
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=SETTINGS['momentum'],
                               nesterov=SETTINGS['nesterov'] and SETTINGS['momentum'] > 0, weight_decay=decay)
    if name == 'adam':
        return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=decay)
    if name == 'adamw':
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=decay)
    return torch.optim.RMSprop(model.parameters(), lr=lr, weight_decay=decay)


${TORCH_SCHEDULE_SOURCE}


${torchLossSource(plan)}


def evaluate(model, loader, device):
    model.eval()
    loss_sum, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for x, y in loader:
            x, y = x.to(device), y.to(device)
            output = model(x)
            loss_sum += loss_fn(output, y, reduction='sum').item()
            correct += (output.argmax(1) == y).sum().item()
            count += y.numel()
    model.train()
    return loss_sum / max(1, count), correct / max(1, count)


def main():
    args = parse_args()
    distributed = int(os.environ.get('WORLD_SIZE', '1')) > 1
    rank = 0
    if distributed:
        dist.init_process_group('nccl' if torch.cuda.is_available() else 'gloo')
        rank = dist.get_rank()
        local_rank = int(os.environ.get('LOCAL_RANK', '0'))
        device = torch.device('cuda', local_rank) if torch.cuda.is_available() else torch.device('cpu')
        if device.type == 'cuda':
            torch.cuda.set_device(device)
    else:
        device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    torch.manual_seed(SETTINGS['seed'] + rank)

    train_set, test_set = datasets(args)
    sampler = DistributedSampler(train_set, seed=SETTINGS['seed']) if distributed else None
    train_loader = DataLoader(train_set, batch_size=args.batch_size, shuffle=sampler is None, sampler=sampler,
                              num_workers=args.workers, pin_memory=device.type == 'cuda', drop_last=False)
    test_loader = DataLoader(test_set, batch_size=args.batch_size, num_workers=args.workers)

    model = build_model().to(device)
    if distributed:
        model = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == 'cuda' else None)
    optimizer = make_optimizer(model, args.lr)
    steps_per_epoch = len(train_loader)

    for epoch in range(args.epochs):
        if sampler is not None:
            sampler.set_epoch(epoch)
        started, loss_sum, correct, count = time.time(), 0.0, 0, 0
        for step, (x, y) in enumerate(train_loader):
            for group in optimizer.param_groups:
                group['lr'] = learning_rate_at(args.lr, args.epochs, epoch, step, steps_per_epoch)
            x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
            output = model(x)
            loss = loss_fn(output, y)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if SETTINGS['gradient_clip'] > 0:
                nn.utils.clip_grad_norm_(model.parameters(), SETTINGS['gradient_clip'])
            optimizer.step()
            loss_sum += loss.item() * y.numel()
            correct += (output.argmax(1) == y).sum().item()
            count += y.numel()
        if rank == 0:
            test_loss, test_acc = evaluate(model, test_loader, device)
            print(f'epoch {epoch + 1}/{args.epochs}  loss {loss_sum / max(1, count):.4f}  '
                  f'train acc {correct / max(1, count):.3f}  test loss {test_loss:.4f}  test acc {test_acc:.3f}  '
                  f'{count / (time.time() - started):.0f} img/s', flush=True)

    if rank == 0:
        state = model.module.state_dict() if distributed else model.state_dict()
        torch.save(state, args.out)
        print(f'saved {args.out}')
    if distributed:
        dist.destroy_process_group()


if __name__ == '__main__':
    main()
`;
}
