// A PostgreSQL for the tests: see scripts/testDatabase.ts (the benchmark uses the same).
export { startTestDatabase, type TestDatabase } from '../../scripts/testDatabase.js';
