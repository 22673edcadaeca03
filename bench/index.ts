// npm run bench: every benchmark, one after another; figures only, no pass/fail.
import { benchOverlaps } from './overlaps.js';
import { benchStore } from './store.js';
import { benchTurn } from './turn.js';

await benchTurn();
await benchStore();
await benchOverlaps();
