// A loopback round-robin balancer: see scripts/roundRobin.ts (the benchmark uses it too).
export { startRoundRobin, type RoundRobin } from '../../scripts/roundRobin.js';
