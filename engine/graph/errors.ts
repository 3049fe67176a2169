/**
 * Errors the graph layer throws. Both carry messages meant for people: they name the file
 * field, node or edge at fault and quote the bad value.
 */
import { formatCount } from './format';
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
    super(
      `${prefix}:\n${describeIssues(shown)
        .map((line) => `  - ${line}`)
        .join('\n')}`,
    );
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

/** How many issues a message lists before summing up the rest. */
export const MAX_LISTED_ISSUES = 20;

/**
 * Issues as lines of text (`describeIssue`), at most `limit` of them and then one line
 * counting the rest, so a graph with thousands of problems still gives a readable report.
 *
 * @example describeIssues(issues, 2) // ['node a: …', 'node b: …', '… and 4,998 more problems']
 */
export function describeIssues(issues: readonly GraphIssue[], limit = MAX_LISTED_ISSUES): string[] {
  const lines = issues.slice(0, limit).map(describeIssue);
  const rest = issues.length - lines.length;
  if (rest > 0) lines.push(`… and ${formatCount(rest)} more ${rest === 1 ? 'problem' : 'problems'}`);
  return lines;
}
