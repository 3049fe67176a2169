/**
 * `cnn-studio summary`: a Keras-style table of a preset or graph file, or with `--json`
 * exactly one JSON object on stdout (see `SummaryJson`).
 *
 *   cnn-studio summary --preset lenet [--json]
 *   cnn-studio summary --file my-model.json [--json]
 *
 * Exit codes: 0 printed; 1 the file cannot be read or the graph is invalid (the problems
 * go to stderr); 2 wrong arguments or unknown preset.
 */
import { analyzeGraph } from '../../graph/analyze';
import type { GraphDocument } from '../../graph/document';
import { describeIssues } from '../../graph/errors';
import { formatSummaryTable, summaryJson } from '../../graph/summary';
import { presetIds } from '../../presets/index';
import { loadGraphSource, UsageError } from './graph-source';

const USAGE = `Usage: cnn-studio summary (--preset <id> | --file <graph.json>) [--json]

  --preset <id>   one of: ${presetIds.join(', ')}
  --file <path>   a CNN Studio graph file
  --json          print one JSON object instead of the table`;

interface SummaryArgs {
  preset?: string;
  file?: string;
  json: boolean;
}

/** Parses the arguments, or returns the message explaining what is wrong. */
function parseArgs(args: string[]): SummaryArgs | string {
  const parsed: SummaryArgs = { json: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag === '--json') parsed.json = true;
    else if (flag === '--preset' || flag === '--file') {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') return `${flag} needs a value`;
      parsed[flag === '--preset' ? 'preset' : 'file'] = value;
    } else return `unknown option '${arg}'`;
  }
  if ((parsed.preset === undefined) === (parsed.file === undefined))
    return 'give exactly one of --preset or --file';
  return parsed;
}

export async function run(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    console.error(`cnn-studio summary: ${parsed}\n\n${USAGE}`);
    return 2;
  }

  let doc: GraphDocument;
  try {
    doc = await loadGraphSource(parsed);
  } catch (error) {
    console.error(`cnn-studio summary: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  }

  const analysis = analyzeGraph(doc);
  const where = parsed.file ?? `preset ${parsed.preset}`;
  if (!analysis.valid) {
    const errors = analysis.issues.filter((issue) => issue.severity === 'error');
    console.error(
      `cnn-studio summary: ${where}: the graph is not valid (${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}):`,
    );
    for (const line of describeIssues(errors)) console.error(`  - ${line}`);
    return 1;
  }
  for (const line of describeIssues(analysis.issues)) console.error(`cnn-studio summary: warning: ${line}`);

  console.log(parsed.json ? JSON.stringify(summaryJson(doc, analysis)) : formatSummaryTable(doc, analysis));
  return 0;
}
