// For the rule-file tests: the message a loader refuses a bad file with.
import { expect } from 'vitest';
import { RuleFileError } from '../../rules/index.js';

/** The RuleFileError's message `fn` throws (the test fails if it throws anything else, or nothing). */
export function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RuleFileError);
    return (err as Error).message;
  }
  throw new Error('expected a RuleFileError');
}
