/**
 * Errors the graph layer throws. Both carry messages meant for people: they name the file
 * field, node or edge at fault and quote the bad value.
 */
import type { GraphIssue } from './types';

/**
 * A graph file could not be read: not JSON, not a CNN Studio graph, made by a newer
 * version, or a field of the wrong type.
 *
 * @example
 * loadGraphDocument('{"format":"x"}'); // throws GraphLoadError: not a CNN Studio graph (format is "x")
 */
export class GraphLoadError extends Error {
  constructor(
    message: string,
    /** The field at fault as a path, e.g. `nodes[3].params.filters`, when there is one. */
    readonly path?: string,
  ) {
    super(message);
    this.name = 'GraphLoadError';
  }
}

/**
 * A graph was read but cannot be built: it has validation issues of severity `error`.
 * The message lists them one per line; `issues` keeps them for tools.
 */
export class GraphInvalidError extends Error {
  readonly issues: GraphIssue[];

  constructor(issues: readonly GraphIssue[], prefix = 'the graph is not valid') {
    const errors = issues.filter((issue) => issue.severity === 'error');
    const shown = errors.length > 0 ? errors : issues;
    super(`${prefix}:\n${shown.map((issue) => `  - ${describeIssue(issue)}`).join('\n')}`);
    this.name = 'GraphInvalidError';
    this.issues = [...issues];
  }
}

/** One issue as a line of text, naming where it is, e.g. `node c1: filters must be …`. */
export function describeIssue(issue: GraphIssue): string {
  const where =
    issue.nodeId !== undefined
      ? `node ${issue.nodeId}: `
      : issue.edgeId !== undefined
        ? `edge ${issue.edgeId}: `
        : '';
  return `${where}${issue.message}`;
}
