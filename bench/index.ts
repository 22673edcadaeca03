// npm run bench: every benchmark, one after another; figures only, no pass/fail.
import { benchOverlaps } from './overlaps.js';
import { benchStore } from './store.js';
import { benchTurn } from './turn.js';
import { benchSize } from './size.js';
import { benchHttp } from './http.js';
import { benchPrune } from './prune.js';

await benchTurn();
await benchStore();
await benchOverlaps();
await benchSize();
await benchPrune();
await benchHttp();
