// A clock a test sets: the whole bot reads the time from it, so a test runs on the date it names
// whatever the real date is (and under faketime in .ci/run).
import type { Clock } from '../../src/clock.js';

export class TestClock implements Clock {
  private at: number;

  constructor(iso: string) {
    this.at = Date.parse(iso);
    if (Number.isNaN(this.at)) throw new RangeError(`Not a date-time: ${iso}`);
  }

  now(): Date {
    return new Date(this.at);
  }

  set(iso: string): void {
    this.at = Date.parse(iso);
  }

  advance(ms: number): void {
    this.at += ms;
  }
}

export const DAY_MS = 86_400_000;
