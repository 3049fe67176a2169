/**
 * Optimizers for the custom training loop: SGD (momentum, Nesterov), Adam, AdamW and
 * RMSProp, with a learning rate set before every step and weight decay applied the way
 * PyTorch does it: added to the gradient (L2) for SGD, Adam and RMSProp, decoupled
 * (`w ← w − lr·wd·w` before the Adam step) for AdamW, which tfjs does not have.
 */
import type { OptimizerName, TrainingSettings } from '../graph/document';
import type { Tf, tfjs } from './tf-types';

export type OptimizerSettings = Pick<
  TrainingSettings,
  'optimizer' | 'learningRate' | 'momentum' | 'nesterov' | 'weightDecay'
>;

/** A named tensor as tfjs optimizers save and restore their state. */
export interface NamedTensor {
  name: string;
  tensor: tfjs.Tensor;
}

/** One optimizer driving a fixed, ordered list of variables. */
export interface TrainingOptimizer {
  readonly name: OptimizerName;
  /**
   * One update. `gradients[i]` belongs to `variables[i]`; the caller disposes the gradients.
   * The order must stay the same across steps and across a checkpoint resume: the state is
   * kept by position.
   */
  apply(variables: readonly tfjs.Variable[], gradients: readonly tfjs.Tensor[], learningRate: number): void;
  /** The optimizer's state (step count, moments). Dispose the returned tensors after use. */
  getState(): Promise<NamedTensor[]>;
  /** Restores `getState()`'s output (takes ownership of the tensors). */
  setState(state: NamedTensor[]): Promise<void>;
  dispose(): void;
}

/** Learning rate tfjs optimizers start with; the trainer sets the real one before each step. */
const INITIAL_RATE = 0.01;

/**
 * Creates the optimizer a run's settings ask for.
 *
 * @example
 * const opt = createOptimizer(tf, { optimizer: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
 * opt.apply(vars, grads, 0.1);
 */
export function createOptimizer(tf: Tf, settings: OptimizerSettings): TrainingOptimizer {
  const decay = settings.weightDecay;
  if (!(decay >= 0)) throw new Error(`weight decay must be ≥ 0, got ${decay}`);
  switch (settings.optimizer) {
    case 'sgd': {
      if (!(settings.momentum >= 0 && settings.momentum < 1)) {
        throw new Error(`SGD momentum must be in [0, 1), got ${settings.momentum}`);
      }
      if (settings.momentum > 0) {
        const inner = tf.train.momentum(INITIAL_RATE, settings.momentum, settings.nesterov);
        return wrap(tf, 'sgd', inner, (rate) => inner.setLearningRate(rate), decay, 'l2');
      }
      const inner = tf.train.sgd(INITIAL_RATE);
      return wrap(tf, 'sgd', inner, (rate) => inner.setLearningRate(rate), decay, 'l2');
    }
    case 'adam':
    case 'adamw': {
      // PyTorch's defaults: betas (0.9, 0.999), eps 1e-8.
      const inner = tf.train.adam(INITIAL_RATE, 0.9, 0.999, 1e-8);
      const style = settings.optimizer === 'adamw' ? 'decoupled' : 'l2';
      return wrap(tf, settings.optimizer, inner, setRateField(inner), decay, style);
    }
    case 'rmsprop': {
      // PyTorch's defaults: alpha 0.99, eps 1e-8, momentum from the settings.
      const inner = tf.train.rmsprop(INITIAL_RATE, 0.99, settings.momentum, 1e-8);
      return wrap(tf, 'rmsprop', inner, setRateField(inner), decay, 'l2');
    }
    default:
      throw new Error(`unknown optimizer '${String(settings.optimizer)}' (use sgd, adam, adamw or rmsprop)`);
  }
}

/** Adam and RMSProp read `this.learningRate` on every step but have no setter. */
function setRateField(optimizer: tfjs.Optimizer): (rate: number) => void {
  return (rate) => {
    (optimizer as unknown as { learningRate: number }).learningRate = rate;
  };
}

function wrap(
  tf: Tf,
  name: OptimizerName,
  inner: tfjs.Optimizer,
  setRate: (rate: number) => void,
  decay: number,
  style: 'l2' | 'decoupled',
): TrainingOptimizer {
  return {
    name,
    apply(variables, gradients, learningRate) {
      if (variables.length !== gradients.length) {
        throw new Error(`optimizer got ${gradients.length} gradients for ${variables.length} variables`);
      }
      setRate(learningRate);
      tf.tidy(() => {
        if (decay > 0 && style === 'decoupled') {
          const keep = 1 - learningRate * decay;
          for (const variable of variables) variable.assign(tf.mul(variable, keep));
        }
        const named = variables.map((variable, i) => ({
          name: variable.name,
          tensor: decay > 0 && style === 'l2' ? tf.add(gradients[i], tf.mul(variable, decay)) : gradients[i],
        }));
        inner.applyGradients(named);
      });
    },
    async getState() {
      const state = await inner.getWeights();
      // tfjs hands out its live state variables: clone so callers may dispose what they get.
      return state.map(({ name, tensor }, i) => ({ name, tensor: i === 0 ? tensor : tf.clone(tensor) }));
    },
    async setState(state) {
      await inner.setWeights(state);
      // setWeights copies into new variables, except the step count it reads and drops.
      for (const { tensor } of state) tensor.dispose();
    },
    dispose() {
      inner.dispose();
    },
  };
}
