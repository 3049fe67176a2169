"""CNN Studio's PyTorch runner: trains the generated model.py on the engine's binary dataset
cache and reports JSON lines on stdout, the same events a TensorFlow.js run sends.

    python runner.py config.json                                   # one process
    torchrun --nproc_per_node=2 runner.py config.json              # DDP, events from rank 0
    python runner.py torchrun --nproc_per_node=2 runner.py config.json   # the same, see torchrun()

The engine writes config.json, model.py and this file into the run's folder. Commands arrive
on rank 0's stdin, one per line: stop, pause, resume; end of input means the engine is gone
(stop). Checkpoints hold the weights in both layouts: torch.pt (model and optimizer state)
and model.json + weights.bin (TensorFlow.js, so the app can evaluate and export the run).
"""
import contextlib
import datetime
import json
import math
import os
import shutil
import signal
import sys
import threading
import time
import traceback

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.utils.data.distributed import DistributedSampler

RANK = int(os.environ.get('RANK', '0'))
WORLD = int(os.environ.get('WORLD_SIZE', '1'))
# engine/train/checkpoint.ts's files (optimizer.bin stays empty: PyTorch's state is in torch.pt).
CHECKPOINT_FILES = ['state.json', 'model.json', 'weights.bin', 'optimizer.bin', 'torch.pt']
MODEL_FILES = ['model.json', 'weights.bin']


def emit(event):
    """One event line for the engine (rank 0 only: other ranks' stdout is merged by torchrun)."""
    if RANK == 0:
        sys.stdout.write(json.dumps(event) + '\n')
        sys.stdout.flush()


def die_with_parent():
    """Linux: end this process when its parent ends, so no trainer outlives the engine."""
    try:
        import ctypes
        ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# ---------------------------------------------------------------- data

def open_cache(path):
    """The engine's dataset cache (engine/datasets/cache-file.ts) as memory-mapped arrays."""
    with open(path, 'rb') as f:
        header = f.read(48)
    if header[:8] != b'CNNSDSET':
        raise ValueError(f'{path} is not a CNN Studio dataset cache')
    version, n_train, n_test, h, w, c, _classes, meta_len = (int(v) for v in np.frombuffer(header, '<u4', 8, 8))
    if version != 1:
        raise ValueError(f'{path}: dataset cache version {version}, this runner reads version 1')
    data = np.memmap(path, np.uint8, 'r')
    at = 48 + meta_len
    train_labels, at = data[at:at + n_train], at + n_train
    test_labels, at = data[at:at + n_test], at + n_test
    size = h * w * c
    train_images, at = data[at:at + n_train * size].reshape(n_train, h, w, c), at + n_train * size
    test_images = data[at:at + n_test * size].reshape(n_test, h, w, c)
    return (train_images, train_labels), (test_images, test_labels)


def indices(path, count):
    """A subset's image indices (raw little-endian uint32), or all images."""
    return np.fromfile(path, '<u4').astype(np.int64) if path else np.arange(count, dtype=np.int64)


class Inputs:
    """Bytes → normalized NCHW floats at the model's input shape, as engine/datasets does:
    [0, 1] (byte / 255), grey ↔ RGB (repeat / BT.601 luma), flip and padded crop at the stored
    size, then bilinear resizing with half-pixel centres."""

    def __init__(self, target, settings, crop_padding, device, generator, pin=False, channels_last=False):
        self.h, self.w, self.c = target
        self.flip, self.crop = settings['augmentFlip'], settings['augmentCrop']
        self.crop_padding = crop_padding
        self.device = device
        self.generator = generator
        self.pin = pin
        self.channels_last = channels_last

    def __call__(self, images, augment=False):
        x = torch.from_numpy(np.ascontiguousarray(images))
        if self.pin:
            x = x.pin_memory()
        x = x.to(self.device, non_blocking=True).permute(0, 3, 1, 2).float().div_(255)
        if augment and self.flip:
            flipped = torch.rand(x.shape[0], generator=self.generator) < 0.5
            x[flipped] = x[flipped].flip(3)
        if augment and self.crop:
            p = self.crop_padding
            padded = F.pad(x, (p, p, p, p))
            offsets = torch.randint(0, 2 * p + 1, (x.shape[0], 2), generator=self.generator).tolist()
            x = torch.stack([padded[i, :, dy:dy + x.shape[2], dx:dx + x.shape[3]] for i, (dy, dx) in enumerate(offsets)])
        if x.shape[1] == 1 and self.c == 3:
            x = x.expand(-1, 3, -1, -1)
        elif x.shape[1] == 3 and self.c == 1:
            luma = torch.tensor([0.299, 0.587, 0.114], device=x.device).view(1, 3, 1, 1)
            x = (x * luma).sum(1, keepdim=True)
        if x.shape[2:] != (self.h, self.w):
            x = F.interpolate(x, size=(self.h, self.w), mode='bilinear', align_corners=False)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last else x.contiguous()


# ---------------------------------------------------------------- settings

def learning_rate_at(s, epoch, batch, per_epoch):
    """engine/train/schedule.ts: constant / step / cosine per batch, with linear warm-up."""
    per_epoch = max(1, per_epoch)
    step = epoch * per_epoch + batch
    warmup = max(0, round(s['warmupEpochs'] * per_epoch))
    base = s['learningRate']
    if s['schedule'] == 'step':
        rate = base * s['stepGamma'] ** (epoch // max(1, round(s['stepEpochs'])))
    elif s['schedule'] == 'cosine':
        decay = s['epochs'] * per_epoch - warmup
        progress = min(1, max(0, step - warmup) / decay) if decay > 0 else 0
        rate = base if decay <= 0 else 0.5 * base * (1 + math.cos(math.pi * progress))
    else:
        rate = base
    return rate * (step + 1) / warmup if step < warmup else rate


def make_optimizer(params, s):
    """engine/train/optimizer.ts's optimizers, which follow PyTorch's defaults."""
    lr, wd, name = s['learningRate'], s['weightDecay'], s['optimizer']
    if name == 'sgd':
        return torch.optim.SGD(params, lr, momentum=s['momentum'], nesterov=s['nesterov'] and s['momentum'] > 0, weight_decay=wd)
    if name == 'adam':
        return torch.optim.Adam(params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    if name == 'adamw':
        return torch.optim.AdamW(params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=wd)
    if name == 'rmsprop':
        return torch.optim.RMSprop(params, lr, alpha=0.99, eps=1e-8, momentum=s['momentum'], weight_decay=wd)
    raise ValueError(f"unknown optimizer '{name}' (use sgd, adam, adamw or rmsprop)")


def speed_options(device_type, speed, bf16_supported=None):
    """What the run does for speed on `device_type` (torch's 'cuda', 'mps' or 'cpu'), from
    config.json's `speed` (engine/pytorch/speed.ts decides it from the probe): the autocast type
    (None: float32), a GradScaler for float16, channels-last, cuDNN autotuning, pinned memory, CPU
    threads. GPU settings apply only on a GPU, CPU autocast only takes bfloat16, and bfloat16 on
    a GPU without it (a node older than the one the config was written for) becomes float16."""
    gpu = device_type == 'cuda'
    amp = {'bfloat16': torch.bfloat16, 'float16': torch.float16}.get(speed.get('amp'))
    if device_type == 'mps' or (device_type == 'cpu' and amp is not torch.bfloat16):
        amp = None
    if gpu and amp is torch.bfloat16:
        if bf16_supported is None:
            bf16_supported = torch.cuda.is_bf16_supported()
        if not bf16_supported:
            amp = torch.float16
    return {'amp': amp, 'grad_scaler': gpu and amp is torch.float16,
            'channels_last': gpu and speed.get('channelsLast', True),
            'cudnn_benchmark': gpu and speed.get('cudnnBenchmark', True),
            'pin_memory': gpu and speed.get('pinMemory', True),
            'threads': speed.get('threads') if device_type == 'cpu' else None}


def autocast(device, amp):
    """Mixed precision for the forward pass, or nothing when the run is float32."""
    return torch.autocast(device.type, dtype=amp) if amp is not None else contextlib.nullcontext()


def loss_of(output, labels, probabilities):
    """Cross-entropy on logits, or log loss on clipped probabilities when the graph ends in softmax."""
    if probabilities:
        return F.nll_loss(torch.log(output.clamp(1e-7, 1)), labels)
    return F.cross_entropy(output, labels)


# ---------------------------------------------------------------- control

class Commands:
    """stop / pause / resume from stdin, read by a thread; pausing waits on a condition."""

    def __init__(self, stream):
        self.stopping = False
        self.paused = False
        self.changed = threading.Condition()
        if stream is not None:
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream):
        for line in stream:
            self._apply(line.strip())
        self._apply('stop')  # end of input: the engine is gone

    def _apply(self, command):
        with self.changed:
            if command == 'stop':
                self.stopping = True
            elif command == 'pause' and not self.stopping:
                self.paused = True
            elif command == 'resume':
                self.paused = False
            self.changed.notify_all()

    def wait_while_paused(self, run_id):
        """Blocks while paused; returns the seconds spent paused."""
        with self.changed:
            if not self.paused or self.stopping:
                return 0.0
            since = time.perf_counter()
            emit({'kind': 'paused', 'runId': run_id})
            self.changed.wait_for(lambda: not self.paused or self.stopping)
            if not self.stopping:
                emit({'kind': 'resumed', 'runId': run_id})
            return time.perf_counter() - since


def all_ranks_stop(commands, device):
    """Rank 0's stop decision, shared with every rank (one tiny broadcast per batch)."""
    if WORLD == 1:
        return commands.stopping
    flag = torch.tensor([1.0 if commands.stopping else 0.0], device=device)
    dist.broadcast(flag, 0)
    return bool(flag.item())


def summed(values, device):
    """Per-rank sums added up across ranks."""
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if WORLD > 1:
        dist.all_reduce(t)
    return t.tolist()


# ---------------------------------------------------------------- files

def replace_dir(target, files, fill):
    """engine/train/atomic-fs.ts's replaceDirAtomic: fill `<target>.partial`, then two renames.
    Only the file names we write are ever removed."""
    partial, old = target + '.partial', target + '.old'

    def remove(folder):
        for name in files:
            try:
                os.unlink(os.path.join(folder, name))
            except FileNotFoundError:
                pass
        try:
            os.rmdir(folder)
        except (FileNotFoundError, OSError):
            pass

    remove(partial)
    os.makedirs(partial, exist_ok=True)
    fill(partial)
    remove(old)
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(partial, target)
    remove(old)


def write_tfjs_weights(model, tfjs, folder):
    """The inverse of the export conversion (engine/host/model-export.ts): PyTorch tensors back
    into the TensorFlow.js layout, in the order of tfjs's weights manifest."""
    state = {k: v.detach().float().cpu().numpy() for k, v in model.state_dict().items()}
    parts = []
    for entry in tfjs['weights']:
        value = state[entry['torchKey']]
        layout = entry['layout']
        permutation = np.asarray(entry['permutation']) if entry.get('permutation') else None
        if layout == 'conv':  # [out, in, kh, kw] → [kh, kw, in, out]
            value = value.transpose(2, 3, 1, 0)
        elif layout == 'dense':  # [out, in] → [in, out], inputs from [c, h, w] to [h, w, c] order
            value = value.T
            if permutation is not None:
                reordered = np.empty_like(value)
                reordered[permutation] = value
                value = reordered
        elif permutation is not None:  # a vector over flattened features
            reordered = np.empty_like(value)
            reordered[permutation] = value
            value = reordered
        if list(value.shape) != entry['shape']:
            raise ValueError(f"{entry['torchKey']}: shape {list(value.shape)} does not fit tfjs {entry['name']} {entry['shape']}")
        parts.append(np.ascontiguousarray(value, dtype='<f4').tobytes())
    with open(os.path.join(folder, 'weights.bin'), 'wb') as f:
        f.write(b''.join(parts))
    shutil.copyfile(tfjs['modelJson'], os.path.join(folder, 'model.json'))


# ---------------------------------------------------------------- training

def evaluate(model, images, labels, chosen, inputs, config, device, amp=None):
    """Mean loss, accuracy and confusion over `chosen` images, shared out across ranks."""
    classes, batch_size = config['classCount'], config['training']['batchSize']
    mine = chosen[RANK::WORLD]
    confusion = torch.zeros(classes * classes, dtype=torch.float64, device=device)
    loss_sum = 0.0
    model.eval()
    with torch.no_grad():
        for start in range(0, len(mine), batch_size):
            part = np.sort(mine[start:start + batch_size])
            y = torch.from_numpy(labels[part].astype(np.int64)).to(device)
            with autocast(device, amp):
                out = model(inputs(images[part])).float()
            loss_sum += loss_of(out, y, config['outputIsProbabilities']).item() * len(part)
            confusion += torch.bincount(y * classes + out.argmax(1), minlength=classes * classes).double()
    model.train()
    if WORLD > 1:
        dist.all_reduce(confusion)
    (loss_sum,) = summed([loss_sum], device)
    matrix = confusion.view(classes, classes).long().tolist()
    count = sum(map(sum, matrix))
    correct = sum(matrix[i][i] for i in range(classes))
    return {'loss': loss_sum / max(1, count), 'accuracy': correct / max(1, count), 'confusion': matrix}


class Diverged(FloatingPointError):
    """The loss is not a finite number; the engine words the message (engine/train/failures.ts)."""

    def __init__(self, loss, epoch, batch, learning_rate):
        super().__init__(f'loss became {loss} at epoch {epoch} batch {batch}')
        self.where = {'loss': str(loss), 'epoch': epoch, 'batch': batch, 'learningRate': learning_rate}


class OutOfMemory(Exception):
    """Training ran out of device memory; the message names a batch size that fits."""


def is_out_of_memory(error):
    return isinstance(error, (RuntimeError, MemoryError)) and ('out of memory' in str(error).lower() or isinstance(error, MemoryError))


def out_of_memory(error, batch_size, device, fits):
    """Halves the batch until one training step fits, and says so."""
    if device.type == 'cuda':
        torch.cuda.empty_cache()
    where = f'the GPU ({torch.cuda.get_device_name(device)})' if device.type == 'cuda' else f'the {device.type} device'
    size = batch_size // 2
    while size >= 1:
        try:
            if fits(size):
                return OutOfMemory(f'{where} ran out of memory at batch size {batch_size}; batch size {size} fits — set it in the training settings')
        except Exception as retry:  # noqa: BLE001 — only out-of-memory means "try smaller"
            if not is_out_of_memory(retry):
                raise
        if device.type == 'cuda':
            torch.cuda.empty_cache()
        size //= 2
    return OutOfMemory(f'{where} ran out of memory even at batch size 1 ({str(error).splitlines()[0]}); choose a smaller model or input size')



# ---------------------------------------------------------------- training health

class LayerHealth:
    """Training health as engine/train/layer-health.ts measures it, per graph node: on a sampled
    batch, forward hooks keep each unit's input and output; gradient norms are read before
    clipping, update ratios ||dw|| / ||w|| around optimizer.step(); then each unit's modules run
    alone on the kept input, forward in training mode and backward (torch.autograd.grad, so no
    .grad is touched), timed with perf_counter (CUDA synchronized); buffers such as batch norm's
    running statistics are put back afterwards. Samples are spaced so they take at most `budget`
    of the training time. `units` come from engine/pytorch/health-modules.ts."""

    def __init__(self, model, spec):
        modules = dict(model.named_modules())
        self.units = [u for u in spec['units'] if u['modules'] and all(p in modules for p in u['modules'])]
        self.budget = spec.get('budget', 0.025)
        self.modules = {p: modules[p] for u in self.units for p in u['modules']}
        self.params = []
        for unit in self.units:
            seen, params = set(), []
            for path in unit['modules']:
                for param in self.modules[path].parameters():
                    if param.requires_grad and id(param) not in seen:
                        seen.add(id(param))
                        params.append(param)
            self.params.append(params)
        self.next_due, self.samples, self.started = -math.inf, 0, 0.0
        self.kept, self.handles, self.before, self.grad_squares = {}, [], {}, []

    def due(self, batches_done, last_of_run):
        if last_of_run:
            return True
        if self.samples == 0:
            return batches_done >= 1
        return time.perf_counter() >= self.next_due

    def begin(self):
        self.started = time.perf_counter()
        self.kept = {}

        def keep(path):
            def hook(_module, inputs, output):
                self.kept[path] = ([x.detach() for x in inputs], output.detach())
            return hook
        self.handles = [module.register_forward_hook(keep(path)) for path, module in self.modules.items()]

    def after_backward(self):
        """Before clipping and the update: gradient norms, and the weights as they were."""
        for handle in self.handles:
            handle.remove()
        self.handles = []
        self.grad_squares = [sum(float(p.grad.double().pow(2).sum()) for p in params if p.grad is not None) if params else None
                             for params in self.params]
        self.before = {id(p): p.detach().clone() for params in self.params for p in params}

    def collect(self, device, model_input):
        """After optimizer.step(): every unit's figures, as a list of LayerHealth (engine/protocol)."""
        layers = []
        with torch.no_grad():
            for unit, params, grad_square in zip(self.units, self.params, self.grad_squares):
                kept = self.kept.get(unit['modules'][-1])
                stats = [None, None, None]
                if kept is not None and kept[1].is_floating_point():
                    out = kept[1].float()
                    stats = torch.stack([out.mean(), out.std(unbiased=False), (out == 0).float().mean()]).tolist()
                update = None
                if params:
                    delta = sum(float((p.detach() - self.before[id(p)]).double().pow(2).sum()) for p in params)
                    weight = sum(float(self.before[id(p)].double().pow(2).sum()) for p in params)
                    update = math.sqrt(delta) / math.sqrt(weight) if weight > 0 else None
                layers.append({'nodeId': unit['nodeId'], **({'innerId': unit['innerId']} if unit.get('innerId') else {}),
                               'timeMs': None, 'activationMean': stats[0], 'activationStd': stats[1], 'zeroShare': stats[2],
                               'gradNorm': math.sqrt(grad_square) if grad_square is not None else None, 'updateRatio': update})
        times = {}
        for unit, entry in zip(self.units, layers):
            total = 0.0
            for path in unit['modules']:
                if path not in times:
                    times[path] = self.time_alone(path, device, model_input)
                total = None if total is None or times[path] is None else total + times[path]
            entry['timeMs'] = total
        self.kept, self.before = {}, {}
        self.samples += 1
        cost = time.perf_counter() - self.started
        self.next_due = time.perf_counter() + cost / self.budget
        return [{k: (v if not isinstance(v, float) or math.isfinite(v) else None) for k, v in e.items()} for e in layers]

    def time_alone(self, path, device, model_input):
        """Milliseconds of one module's forward (training mode) and backward on its kept input."""
        kept = self.kept.get(path)
        if kept is None:
            return None
        module = self.modules[path]
        buffers = {name: b.clone() for name, b in module.named_buffers()}
        leaves = [x.clone().requires_grad_(x.is_floating_point() and x.data_ptr() != model_input.data_ptr()) for x in kept[0]]
        # A non-leaf copy, so a module that starts with an in-place op may change it.
        inputs = [x.clone() if x.requires_grad else x for x in leaves]
        wrt = [x for x in leaves if x.requires_grad] + [p for p in module.parameters() if p.requires_grad]
        sync = torch.cuda.synchronize if device.type == 'cuda' else (lambda: None)
        try:
            sync()
            start = time.perf_counter()
            with torch.enable_grad():
                out = module(*inputs)
                if wrt and out.requires_grad:
                    torch.autograd.grad(out, wrt, torch.ones_like(out), allow_unused=True)
            sync()
            return (time.perf_counter() - start) * 1000
        finally:
            with torch.no_grad():
                for name, b in module.named_buffers():
                    b.copy_(buffers[name])


def main(config_path):
    die_with_parent()
    with open(config_path) as f:
        config = json.load(f)
    settings, run_id = config['training'], config['runId']
    folder = os.path.dirname(os.path.abspath(config_path))
    sys.path.insert(0, folder)

    def here(path):
        """Paths in config.json are absolute, or relative to its folder (a folder copied to other nodes)."""
        return path if not path or os.path.isabs(path) else os.path.join(folder, path)
    for key in ('checkpointDir', 'resumeFrom', 'finalModelDir'):
        config[key] = here(config.get(key))
    config['dataset'] = {key: here(value) for key, value in config['dataset'].items()}
    config['tfjs']['modelJson'] = here(config['tfjs']['modelJson'])
    from model import build_model  # the generated model.py next to this config

    device = torch.device(config['device'] if config['device'] != 'cuda' or WORLD == 1 else f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}")
    if WORLD > 1:
        dist.init_process_group('nccl' if device.type == 'cuda' else 'gloo', timeout=datetime.timedelta(days=7))
    speed = speed_options(device.type, config.get('speed') or {'threads': config.get('threads')})
    if speed['threads']:
        torch.set_num_threads(speed['threads'])
    if device.type == 'cuda':
        torch.cuda.set_device(device)
    if speed['cudnn_benchmark']:
        torch.backends.cudnn.benchmark = True

    torch.manual_seed(settings['seed'])
    model = build_model().to(device)
    if speed['channels_last']:
        model = model.to(memory_format=torch.channels_last)
    trained = torch.nn.parallel.DistributedDataParallel(model) if WORLD > 1 else model
    optimizer = make_optimizer(model.parameters(), settings)
    amp = speed['amp']
    scaler = torch.cuda.amp.GradScaler() if speed['grad_scaler'] else None
    # Training health on rank 0 (its figures are rank 0's batch); absent in older configs.
    health = LayerHealth(model, config['health']) if config.get('health') and RANK == 0 else None

    (train_images, train_labels), (test_images, test_labels) = open_cache(config['dataset']['file'])
    subsets = config['dataset']
    train_idx = indices(subsets['train'], len(train_labels))
    test_idx = indices(subsets['test'], len(test_labels))
    validation_idx = indices(subsets['validation'], 0) if subsets['validation'] else None
    generator = torch.Generator().manual_seed(settings['seed'] + 1)
    inputs = Inputs(config['input'], settings, config['cropPadding'], device, generator,
                    pin=speed['pin_memory'], channels_last=speed['channels_last'])
    sampler = DistributedSampler(range(len(train_idx)), num_replicas=WORLD, rank=RANK, shuffle=True, seed=settings['seed'])
    per_epoch = math.ceil(len(sampler) / settings['batchSize'])
    epochs = settings['epochs']
    probabilities = config['outputIsProbabilities']

    start_epoch, history, position = 0, [], None
    checkpoint_dir = config['checkpointDir']
    resume_dir = config.get('resumeFrom')
    if resume_dir:
        if not os.path.exists(resume_dir) and os.path.exists(resume_dir + '.old'):
            resume_dir += '.old'  # a replace interrupted between its renames
        saved = torch.load(os.path.join(resume_dir, 'torch.pt'), map_location=device)
        model.load_state_dict(saved['model'])
        optimizer.load_state_dict(saved['optimizer'])
        start_epoch, history, position = saved['epochsDone'], saved['history'], saved.get('position')
        torch.set_rng_state(saved['rng'])
        generator.set_state(saved['augmentRng'])
        if scaler is not None and saved.get('gradScaler'):
            scaler.load_state_dict(saved['gradScaler'])

    def save_checkpoint(epochs_done, position=None):
        if RANK != 0 or not checkpoint_dir:
            return

        def fill(tmp):
            state = dict(config['checkpointInfo'], format='cnn-studio-checkpoint', version=2, engine='pytorch',
                         epochsDone=epochs_done, history=history,
                         savedAt=datetime.datetime.now(datetime.timezone.utc).isoformat(),
                         optimizer={'name': settings['optimizer'], 'specs': []})
            with open(os.path.join(tmp, 'state.json'), 'w') as f:
                json.dump(state, f)
            open(os.path.join(tmp, 'optimizer.bin'), 'wb').close()
            torch.save({'model': model.state_dict(), 'optimizer': optimizer.state_dict(), 'epochsDone': epochs_done,
                        'history': history, 'position': position, 'rng': torch.get_rng_state(),
                        'augmentRng': generator.get_state(),
                        'gradScaler': scaler.state_dict() if scaler is not None else None}, os.path.join(tmp, 'torch.pt'))
            write_tfjs_weights(model, config['tfjs'], tmp)
        replace_dir(checkpoint_dir, CHECKPOINT_FILES, fill)

    emit({'kind': 'started', 'runId': run_id, 'totalBatches': per_epoch * epochs, 'epochs': epochs,
          'device': str(device), 'processes': WORLD, 'torch': torch.__version__})
    commands = Commands(sys.stdin if RANK == 0 else None)
    interval = config['batchEventIntervalMs'] / 1000
    last_eval, train_seconds, train_images_seen, stopped = None, 0.0, 0, False
    last_train = (history[-1]['trainLoss'], history[-1]['trainAccuracy']) if history else (0.0, 0.0)
    fault = os.environ.get('CNN_STUDIO_PYTORCH_FAULT', '')  # test hook, see README

    def forward_backward(x, y):
        if fault.startswith('oom>') and len(y) > int(fault[4:]):
            raise RuntimeError('CUDA out of memory. Tried to allocate 2.00 GiB (injected)')
        optimizer.zero_grad(set_to_none=True)
        with autocast(device, amp):
            out = trained(x)
        out = out.float()  # the loss in float32, as tfjs computes it
        loss = loss_of(out, y, probabilities)
        (scaler.scale(loss) if scaler is not None else loss).backward()
        return loss, out

    for epoch in range(start_epoch, epochs):
        sampler.set_epoch(epoch)
        order = train_idx[np.fromiter(iter(sampler), np.int64)]
        skip, loss_sum, correct, seen, paused = 0, 0.0, 0.0, 0, 0.0
        if position and position['epoch'] == epoch:  # resuming mid-epoch after a stop
            skip, loss_sum, correct, seen = position['batch'], position['lossSum'], position['correct'], position['seen']
        epoch_start, last_event, seen_before = time.perf_counter(), -math.inf, seen
        batch = skip
        for batch in range(skip, per_epoch):
            paused += commands.wait_while_paused(run_id)
            if all_ranks_stop(commands, device):
                stopped = True
                break
            part = order[batch * settings['batchSize']:(batch + 1) * settings['batchSize']]
            lr = learning_rate_at(settings, epoch, batch, per_epoch)
            for group in optimizer.param_groups:
                group['lr'] = lr
            x = inputs(train_images[part], augment=True)
            y = torch.from_numpy(train_labels[part].astype(np.int64)).to(device)
            if fault == f'error@{epoch + 1}.{batch + 1}':
                raise RuntimeError(f'injected failure at epoch {epoch + 1} batch {batch + 1}')
            sampling = health is not None and health.due(epoch * per_epoch + batch, epoch == epochs - 1 and batch + 1 == per_epoch)
            if sampling:
                health.begin()
            try:
                loss, out = forward_backward(x, y)
            except Exception as error:  # noqa: BLE001
                if not is_out_of_memory(error):
                    raise
                raise out_of_memory(error, len(part), device, lambda size: forward_backward(x[:size], y[:size]) and True)
            if scaler is not None:
                scaler.unscale_(optimizer)  # health figures and clipping see the true gradients
            if sampling:
                health.after_backward()
            if settings['gradientClip'] > 0:
                torch.nn.utils.clip_grad_norm_(model.parameters(), settings['gradientClip'])
            if scaler is not None:
                scaler.step(optimizer)  # skipped when float16 overflowed; the scale then shrinks
                scaler.update()
            else:
                optimizer.step()
            health_layers = health.collect(device, x) if sampling else None
            value, hits = loss.item(), (out.argmax(1) == y).sum().item()
            if not math.isfinite(value):
                raise Diverged(value, epoch + 1, batch + 1, lr)
            loss_sum, correct, seen = loss_sum + value * len(part), correct + hits, seen + len(part)
            now = time.perf_counter()
            elapsed = now - epoch_start - paused
            if batch + 1 == per_epoch or now - last_event >= interval:
                last_event = now
                remaining = per_epoch - batch - 1 + (epochs - epoch - 1) * per_epoch
                emit({'kind': 'batch', 'runId': run_id, 'epoch': epoch + 1, 'batch': batch + 1, 'batchesPerEpoch': per_epoch,
                      'loss': value, 'accuracy': hits / len(part),
                      'imagesPerSecond': (seen - seen_before) * WORLD / elapsed if elapsed > 0 else 0,
                      'elapsedSeconds': elapsed, 'etaSeconds': elapsed / (batch + 1 - skip) * remaining})
            if health_layers is not None:
                emit({'kind': 'health', 'runId': run_id, 'epoch': epoch + 1, 'batch': batch + 1,
                      'step': epoch * per_epoch + batch + 1, 'layers': health_layers})
        epoch_seconds = time.perf_counter() - epoch_start - paused
        total_loss, total_correct, total_seen = summed([loss_sum, correct, seen], device)
        train_seconds += epoch_seconds
        train_images_seen += total_seen
        if total_seen > 0:
            last_train = (total_loss / total_seen, total_correct / total_seen)
        if stopped:
            save_checkpoint(epoch, {'epoch': epoch, 'batch': batch, 'lossSum': loss_sum, 'correct': correct, 'seen': seen})
            break
        if validation_idx is not None:
            last_eval = evaluate(model, train_images, train_labels, validation_idx, inputs, config, device, amp)
        else:
            last_eval = evaluate(model, test_images, test_labels, test_idx, inputs, config, device, amp)
        metrics = {'epoch': epoch + 1, 'trainLoss': last_train[0], 'trainAccuracy': last_train[1],
                   'testLoss': last_eval['loss'], 'testAccuracy': last_eval['accuracy'], 'seconds': epoch_seconds}
        history.append(metrics)
        save_checkpoint(epoch + 1)
        emit(dict(metrics, kind='epoch', runId=run_id))
        position = None

    if validation_idx is not None and last_eval is not None and not stopped:
        last_eval = evaluate(model, test_images, test_labels, test_idx, inputs, config, device, amp)
    if RANK == 0 and config.get('finalModelDir'):
        replace_dir(config['finalModelDir'], MODEL_FILES, lambda tmp: write_tfjs_weights(model, config['tfjs'], tmp))
        torch.save(model.state_dict(), os.path.join(folder, 'model.pt'))
    confusion = last_eval['confusion'] if last_eval else []
    result = {'testImages': sum(map(sum, confusion)), 'trainLoss': last_train[0], 'trainAccuracy': last_train[1],
              'testLoss': last_eval['loss'] if last_eval else (history[-1]['testLoss'] if history else 0),
              'testAccuracy': last_eval['accuracy'] if last_eval else (history[-1]['testAccuracy'] if history else 0),
              'confusion': confusion,
              'perClassAccuracy': [row[i] / sum(row) if sum(row) else 0 for i, row in enumerate(confusion)],
              'imagesPerSecond': train_images_seen / train_seconds if train_seconds > 0 else 0}
    emit({'kind': 'done', 'runId': run_id, 'stopped': stopped, 'result': result})


def leave(code):
    """Ends this process. With several processes it skips Python's teardown: in torch 1.13
    freeing the DDP model's reducer destroys the gloo process group while holding the GIL, and
    the group's destructor joins its worker threads, one of which may still be freeing the last
    collective's tensor and needs the GIL for it: a deadlock after `done` (the
    blocking destructor is pytorch/pytorch#56297; pull #154976 later released the GIL there).
    Every file is written and closed by now."""
    sys.stdout.flush()
    sys.stderr.flush()
    if WORLD > 1:
        os._exit(code)
    sys.exit(code)


def torchrun(args):
    """`python runner.py torchrun …` is torchrun (torch.distributed.run) itself, with a fix for
    torch ≤ 1.13 on Python ≥ 3.11, where its stream settings parse "0" as None and it crashes."""
    from torch.distributed.elastic.multiprocessing.api import Std
    from torch.distributed.run import main as torchrun_main
    parse = Std.from_str
    if parse('0') is None:
        def from_str(vm):
            value = parse(vm)
            if isinstance(value, dict):
                return {rank: std or Std.NONE for rank, std in value.items()}
            return value or Std.NONE
        Std.from_str = from_str
    torchrun_main(args)


if __name__ == '__main__' and sys.argv[1] == 'torchrun':
    torchrun(sys.argv[2:])
elif __name__ == '__main__':
    try:
        main(sys.argv[1])
    except Exception as error:  # noqa: BLE001 — every failure becomes a `failed` event
        traceback.print_exc(file=sys.stderr)
        last_line = str(error) if isinstance(error, OutOfMemory) else traceback.format_exception_only(type(error), error)[-1].strip()
        emit({'kind': 'failed', 'message': last_line, **({'diverged': error.where} if isinstance(error, Diverged) else {})})
        leave(1)
    leave(0)
