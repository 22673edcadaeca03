// The test run's clock for child processes: see scripts/childEnv.ts.
export { clockEnv } from '../../scripts/childEnv.js';
