// Libraries print to the console (botframework-connector writes every refused token's error and
// key material with console.error). In the running process those lines go through our logger
// instead: one JSON line each, first line only (no stack), scrubbed like every other log line.
import type { Logger } from './log.js';

/** Expected noise of a refused token, already logged once by the edge as "request refused: token". */
const TOKEN_NOISE = /^(Error finding key for token|TokenExpiredError|JsonWebTokenError|NotBeforeError)/;

export function routeConsoleToLog(log: Logger): () => void {
  const original = { error: console.error, warn: console.warn };
  const route = (level: 'error' | 'warn') => (...args: unknown[]) => {
    const first = args[0];
    const text = first instanceof Error ? `${first.name}: ${first.message}` : args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? `${a.name}: ${a.message}` : safeString(a))).join(' ');
    const line = text.split('\n')[0]!.slice(0, 300);
    if (TOKEN_NOISE.test(line)) log.debug('library message', { source: `console.${level}`, text: line });
    else log[level === 'error' ? 'error' : 'warn']('library message', { source: `console.${level}`, text: line });
  };
  console.error = route('error');
  console.warn = route('warn');
  return () => Object.assign(console, original);
}

function safeString(v: unknown): string {
  try {
    return typeof v === 'object' ? JSON.stringify(v) ?? String(v) : String(v);
  } catch {
    return String(v);
  }
}
