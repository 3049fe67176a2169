/**
 * The engine host's run manager: engine/train's, choosing each run's engine (tfjs in a worker
 * thread, or PyTorch) through `engineLauncherChooser`.
 */
import { workerLauncher } from '../train/launchers';
import {
  createRunManager as createTrainRunManager,
  type RunManager,
  type RunManagerOptions,
} from '../train/run-manager';
import { engineLauncherChooser } from './engines';

export function createRunManager(options: RunManagerOptions): RunManager {
  const tfjs = options.launcher ?? workerLauncher();
  return createTrainRunManager({ ...options, chooseLauncher: engineLauncherChooser({ tfjs }) });
}
