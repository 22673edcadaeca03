import { defineConfig } from 'vitest/config';

// Cards reach the bot two ways (CARD_ACTIONS): Action.Submit, the default because it works on Teams
// phones and tablets, and Action.Execute (Universal Actions). Every test runs with the default; the
// conversations and HTTP round trips run a second time with Action.Execute so both stay working.
const conversations = ['test/teams/**/*.test.ts', 'test/http/**/*.test.ts', 'test/clock.test.ts'];

export default defineConfig({
  test: {
    // Checks every card the bot sent in a test file (verbs and the renderer): see the file.
    setupFiles: ['test/setup/cards.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
    projects: [
      { extends: true, test: { name: 'submit', include: ['test/**/*.test.ts'], env: { CARD_ACTIONS: 'submit' } } },
      { extends: true, test: { name: 'execute', include: conversations, env: { CARD_ACTIONS: 'execute' } } },
    ],
  },
});
