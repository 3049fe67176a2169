/**
 * The app's training semantics as Python for PyTorch: the loss of engine/train/step.ts
 * (`crossEntropy`) and the learning-rate schedule of engine/train/schedule.ts
 * (`learningRateAt`). Every generated script that trains takes them from here, and
 * pytorch-semantics.test.ts runs them in torch against the TypeScript originals, so the two
 * cannot drift apart unnoticed.
 */
import type { ExportPlan } from './plan';

/**
 * `loss_fn(output, labels, reduction='mean')`: cross-entropy on logits, or — for a graph
 * that ends in softmax — the negative log of the probabilities clipped to [1e-7, 1], as the
 * app computes it (CrossEntropyLoss there would apply softmax a second time).
 */
export function torchLossSource(plan: Pick<ExportPlan, 'outputIsProbabilities'>): string {
  if (plan.outputIsProbabilities)
    return `def loss_fn(output, labels, reduction='mean'):
    """Cross-entropy of the model's probabilities (the graph ends in softmax), clipped as CNN Studio does."""
    return nn.functional.nll_loss(torch.log(output.clamp(1e-7, 1.0)), labels, reduction=reduction)`;
  return `def loss_fn(output, labels, reduction='mean'):
    """Softmax cross-entropy on the model's class scores (logits), as CNN Studio computes it."""
    return nn.functional.cross_entropy(output, labels, reduction=reduction)`;
}

/**
 * `learning_rate_at(base_lr, epochs, epoch, batch, batches_per_epoch)`: the rate for one
 * optimizer step, reading the schedule, step and warm-up entries of the script's `SETTINGS`.
 * JavaScript's Math.round (halves up) is spelled out: Python's round() rounds halves to even.
 */
export const TORCH_SCHEDULE_SOURCE = `def js_round(x):
    """Math.round as CNN Studio computes it: halves round up (Python's round() goes to even)."""
    return math.floor(x + 0.5)


def learning_rate_at(base_lr, epochs, epoch, batch, batches_per_epoch):
    """The learning rate of one optimizer step (0-based epoch and batch), as CNN Studio schedules it:
    constant, step (gamma every step_epochs epochs) or cosine (per batch, down to 0 after the
    warm-up), with a linear per-batch warm-up over warmup_epochs."""
    per_epoch = max(1, batches_per_epoch)
    step = epoch * per_epoch + batch
    warmup_steps = max(0, js_round(SETTINGS['warmup_epochs'] * per_epoch))
    schedule = SETTINGS['schedule']
    if schedule == 'constant':
        rate = base_lr
    elif schedule == 'step':
        every = max(1, js_round(SETTINGS['step_epochs']))
        rate = base_lr * SETTINGS['step_gamma'] ** (epoch // every)
    elif schedule == 'cosine':
        decay_steps = epochs * per_epoch - warmup_steps
        if decay_steps <= 0:
            rate = base_lr
        else:
            progress = min(1.0, max(0, step - warmup_steps) / decay_steps)
            rate = 0.5 * base_lr * (1 + math.cos(math.pi * progress))
    else:
        raise ValueError(f"unknown learning-rate schedule '{schedule}' (use constant, step or cosine)")
    if step < warmup_steps:
        return rate * (step + 1) / warmup_steps
    return rate`;
