/**
 * The Electron side of the engine process: forks dist/engine/utility-process.mjs as a
 * utility process and adapts it to the supervisor's EngineProcessHandle.
 */
import { MessageChannelMain, utilityProcess, type MessagePortMain } from 'electron';
import type { EngineParentMessage } from '../engine/host/utility-process';
import type { EngineProcessHandle } from './engine-supervisor';

/** Starts the engine process from `modulePath` (an ES module) with environment `env`. */
export function forkEngineProcess(
  modulePath: string,
  env: NodeJS.ProcessEnv,
  log: (message: string) => void,
): EngineProcessHandle<MessagePortMain> {
  const child = utilityProcess.fork(modulePath, [], {
    serviceName: 'CNN Studio engine',
    stdio: 'inherit',
    env,
  });
  child.on('spawn', () => log(`engine process ${child.pid ?? '?'} started`));
  child.on('error', (type, location) => log(`engine process error: ${type} at ${location}`));
  const send = (message: EngineParentMessage, ports: MessagePortMain[] = []): void =>
    child.postMessage(message, ports);
  return {
    sendPort: (port) => send({ type: 'connect' }, [port]),
    requestShutdown: () => send({ type: 'shutdown' }),
    kill: () => {
      child.kill();
    },
    onExit: (listener) => {
      child.on('exit', (code) => listener(code));
    },
  };
}

export function createEngineChannel(): { enginePort: MessagePortMain; clientPort: MessagePortMain } {
  const { port1, port2 } = new MessageChannelMain();
  return { enginePort: port1, clientPort: port2 };
}
