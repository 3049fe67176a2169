/**
 * Fuzz: whatever a file or a caller hands `loadGraphDocument` and `analyzeGraph`, the
 * answer is a document or a `GraphLoadError`, then issues — never a raw TypeError or
 * RangeError — quickly, with a report of bounded size naming the field or node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from './analyze';
import { describeIssues, GraphInvalidError, GraphLoadError } from './errors';
import { fuzzRuns, MAX_REPORT_CHARS, oddDocument, smallNetwork } from './fuzz-graphs';
import { loadGraphDocument } from './load';
import { serializeGraphDocument } from './serialize';
import { activationChain, activationRing } from './test-graphs';

/** Loads and analyzes `input`; fails the property on a raw error, a slow answer or a huge report. */
function loadAndAnalyze(input: unknown): void {
  const started = performance.now();
  let report: string;
  try {
    const doc = loadGraphDocument(input);
    const analysis = analyzeGraph(doc);
    report = describeIssues(analysis.issues).join('\n');
    for (const issue of analysis.issues) expect(issue.message.length).toBeLessThan(1024);
    if (!analysis.valid) report = new GraphInvalidError(analysis.issues).message;
    // What loads, saves and loads back the same.
    expect(loadGraphDocument(serializeGraphDocument(doc))).toEqual(
      loadGraphDocument(serializeGraphDocument(doc)),
    );
  } catch (error) {
    if (!(error instanceof GraphLoadError)) throw error;
    report = error.message;
    expect(report).not.toMatch(/\n\s+at /); // no stack trace in the message
  }
  expect(report.length).toBeLessThan(MAX_REPORT_CHARS);
  expect(performance.now() - started).toBeLessThan(2000);
}

describe('loadGraphDocument + analyzeGraph under fuzzing', () => {
  it('answers any JSON value with a document or a GraphLoadError', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        loadAndAnalyze(value);
        loadAndAnalyze(JSON.stringify(value));
      }),
      fuzzRuns(300),
    );
  });

  it('answers any text with a GraphLoadError or a document', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), loadAndAnalyze), fuzzRuns(200));
  });

  it('answers malformed graph documents (wrong types, huge numbers, odd ids, loops) in words', () => {
    fc.assert(
      fc.property(oddDocument, (doc) => {
        loadAndAnalyze(doc);
        loadAndAnalyze(JSON.stringify(doc));
      }),
      fuzzRuns(400),
    );
  });

  it('answers small networks with mostly sensible params', () => {
    fc.assert(fc.property(smallNetwork, loadAndAnalyze), fuzzRuns(300));
  });

  it('answers long chains and long cycles with short reports', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 3000 }), fc.boolean(), (length, ring) => {
        loadAndAnalyze(
          JSON.parse(serializeGraphDocument(ring ? activationRing(length) : activationChain(length))),
        );
      }),
      fuzzRuns(8),
    );
  });

  it('refuses values nested too deeply, naming where', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    const doc = { ...activationChain(1), meta: { notes: deep } };
    expect(() => loadGraphDocument(doc)).toThrow(GraphLoadError);
    expect(() => loadGraphDocument(doc)).toThrow('meta.notes[0]: nested more than 64 levels deep');
  });

  it('keeps messages short when a file has huge keys', () => {
    const messageOf = (input: unknown): string => {
      try {
        loadGraphDocument(input);
      } catch (error) {
        if (error instanceof GraphLoadError) return error.message;
        throw error;
      }
      throw new Error('expected a GraphLoadError');
    };
    const key = 'k'.repeat(1_000_000);
    const doc = activationChain(1);
    doc.nodes[1].params = { [key]: 1 };
    expect(messageOf(doc)).toBe(
      `nodes[1].params.${'k'.repeat(40)}…: a param name must be 1 to 256 characters long`,
    );
    const tooDeep = JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) as unknown;
    expect(messageOf({ ...activationChain(1), meta: { [key]: tooDeep } })).toBe(
      `meta.${'k'.repeat(40)}…[0]: nested more than 64 levels deep`,
    );
  });

  it('refuses ids too long to quote', () => {
    const doc = activationChain(1, 'x'.repeat(100_000));
    expect(() => loadGraphDocument(doc)).toThrow('nodes[0].id: must be at most 256 characters, got 100,000');
  });
});
