// One-line JSON logs. Callers pass ids, counts and codes only: never CPR, names, message text or
// card input (health data), so a log can be shipped anywhere without becoming a health record.
export type Level = 'error' | 'warn' | 'info' | 'debug';
const order: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  error(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  debug(msg: string, fields?: Record<string, unknown>): void;
}

/** Ten digits in a row, with or without the dash: scrubbed from anything logged, as a last line of defence. */
const CPR_LIKE = /\b(\d{6})-?\d{4}\b/g;

export function scrub(value: string): string {
  return value.replace(CPR_LIKE, '[cpr]');
}

export function createLogger(level: Level = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Logger {
  const emit = (lvl: Level) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[lvl] > order[level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level: lvl, msg, ...fields };
    if (fields?.err instanceof Error) entry.err = { name: fields.err.name, message: fields.err.message };
    write(scrub(JSON.stringify(entry)));
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}
