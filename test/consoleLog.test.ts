// Library console output in the running process: one scrubbed JSON line through the logger, first
// line only; a refused token's noise at debug level (the edge has logged the refusal once).
import { afterEach, describe, expect, it } from 'vitest';
import { routeConsoleToLog } from '../src/consoleLog.js';
import { createLogger } from '../src/log.js';

let restore: (() => void) | undefined;
afterEach(() => restore?.());

describe('routeConsoleToLog', () => {
  it('turns console.error of an Error into one JSON line without its stack, CPR scrubbed', () => {
    const lines: string[] = [];
    restore = routeConsoleToLog(createLogger('info', (l) => lines.push(l)));
    console.error(new Error('could not send to 010150-1234\nsecond line'));
    console.warn('careful', { n: 1 });
    restore();
    restore = undefined;
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'library message', source: 'console.error', text: 'Error: could not send to [cpr]' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', text: 'careful {"n":1}' });
    expect(lines.join('')).not.toMatch(/    at |second line/);
  });

  it('keeps a refused token\'s key dump at debug level, so info logs carry the refusal once', () => {
    const info: string[] = [];
    restore = routeConsoleToLog(createLogger('info', (l) => info.push(l)));
    console.error('Error finding key for token. Available keys: -----BEGIN RSA PUBLIC KEY-----\nMIIB...');
    expect(info).toEqual([]);
  });
});
