/**
 * `cnn-studio` command line: a dispatcher over one module per command
 * (engine/host/commands/<name>.ts), each exporting `run(args): Promise<number>`.
 */
import type { CommandModule } from './commands/command';

const commands: Record<string, { doc: string; load: () => Promise<CommandModule> }> = {
  summary: {
    doc: 'print a Keras-style summary of a preset or graph file',
    load: () => import('./commands/summary'),
  },
  train: { doc: 'train a preset or graph file on a dataset', load: () => import('./commands/train') },
  datasets: {
    doc: 'list the datasets, or import one (datasets import PATH)',
    load: () => import('./commands/datasets'),
  },
  bench: {
    doc: 'measure training speed (and PyTorch’s, where installed)',
    load: () => import('./commands/bench'),
  },
  serve: {
    doc: 'start the browser mode: engine host + editor on 127.0.0.1',
    load: () => import('./commands/serve'),
  },
  export: {
    doc: 'export a graph to PyTorch, Keras or TensorFlow.js',
    load: () => import('./commands/export'),
  },
  import: {
    doc: 'import a Keras / TensorFlow.js model.json as a graph',
    load: () => import('./commands/import'),
  },
  doctor: {
    doc: 'list the training engines (tfjs, PyTorch) and GPUs this machine has',
    load: () => import('../pytorch/doctor'),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.doc}`);
  return `Usage: cnn-studio <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`cnn-studio <command> --help\` for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  if (name === '--version' || name === '-v') {
    console.log(process.env.CNN_STUDIO_VERSION ?? 'dev');
    return 0;
  }
  const command = commands[name];
  if (!command) {
    console.error(`cnn-studio: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`cnn-studio: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
