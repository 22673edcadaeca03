// Child processes a test starts (the bot, the Playground) get a minimal environment, but they must
// keep the test run's clock and time zone: under `faketime` (see .ci/run) the date comes from
// LD_PRELOAD and the FAKETIME variables, and a child without them would run on the real date.
const CLOCK_VARS = /^(LD_PRELOAD|FAKETIME.*|DONT_FAKE_MONOTONIC|TZ)$/;

export function clockEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && CLOCK_VARS.test(name)) kept[name] = value;
  return kept;
}
