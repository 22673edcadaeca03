// The bot's one clock. Everything that needs the time is handed a Clock made at start-up; only this
// file (and the logger's own timestamps) reads the system time, so a test can run the whole bot on
// a fixed date, and test/clock.test.ts fails when another file reads the time by itself.
export interface Clock {
  now(): Date;
}

/** The real time: the production clock. */
export const systemClock: Clock = { now: () => new Date() };
