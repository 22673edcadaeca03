import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Conversation and HTTP tests start servers on free ports; files run in parallel, tests in a file in order.
    fileParallelism: true,
    reporters: ['default'],
  },
});
