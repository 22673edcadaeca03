// The real bot as a child process: see scripts/childBot.ts (the benchmark uses it too).
export { startChildBot, type ChildBot } from '../../scripts/childBot.js';
