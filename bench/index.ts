// npm run bench: every benchmark, one after another; figures only, no pass/fail.
import { benchStore } from './store.js';

await benchStore();
