// npm run bench (size part), in a fresh process: open the store the size part built, count its
// citizens, then print the time, the memory held and the median of a turn's reads about one citizen
// as one JSON line. PostgreSQL opens as an instance starts (the migrations checked); its server
// stays up, so its cache is warm. Started by bench/size.ts; not meant to be run by hand.
import { systemClock } from '../src/clock.js';
import { openLowdbStore } from '../src/store/lowdb/index.js';
import { openPostgresStore } from '../src/store/postgres/index.js';
import type { Store } from '../src/store/types.js';
import { lookups } from './size.js';

const t0 = performance.now();
const store: Store =
  process.env.BENCH_SIZE_STORE === 'postgres'
    ? await openPostgresStore({ connectionString: process.env.BENCH_SIZE_URL!, schema: process.env.BENCH_SIZE_SCHEMA, clock: systemClock })
    : await openLowdbStore(process.env.BENCH_SIZE_DIR!, { clock: systemClock });
const citizens = await store.citizens.count();
const openMs = performance.now() - t0;
const { rss, heapUsed } = process.memoryUsage();
const lookupMs = await lookups(store, Number(process.env.BENCH_SIZE_CITIZENS));
await store.close();
process.stdout.write(`${JSON.stringify({ openMs, citizens, rss, heapUsed, lookupMs })}\n`);
