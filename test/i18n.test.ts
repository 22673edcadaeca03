// Strings: Danish and English have the same keys, every key the code asks for exists, locales
// are normalised as clients send them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { keysOf, languageOf, normaliseLocale, t } from '../src/i18n/index.js';
import { FLOWS } from '../src/flows/types.js';
import { projectRoot } from '../src/paths.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('strings', () => {
  it('Danish and English have exactly the same keys', () => {
    expect(keysOf('en').sort()).toEqual(keysOf('da').sort());
  });

  it('every literal key the code passes to t() exists in both languages', () => {
    const keys = new Set<string>();
    for (const file of sourceFiles(path.join(projectRoot, 'src'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\([^,]+,\s*'([a-zA-Z0-9_.]+)'/g)) keys.add(m[1]!);
    }
    for (const flow of FLOWS) for (const part of ['title', 'description', 'button']) keys.add(`flow.${flow}.${part}`);
    expect(keys.size).toBeGreaterThan(10);
    for (const key of keys) {
      expect(keysOf('da'), key).toContain(key);
      expect(keysOf('en'), key).toContain(key);
    }
  });

  it('fills in named values', () => {
    expect(t('da', 'personalOnly.text', { flow: 'X' })).toMatch(/^"X" handler om borgeres personlige oplysninger/);
  });

  it('every variable the config reads is documented in env/.env.example', async () => {
    const example = readFileSync(path.join(projectRoot, 'env', '.env.example'), 'utf8');
    const config = readFileSync(path.join(projectRoot, 'src', 'config.ts'), 'utf8');
    const schema = config.slice(config.indexOf('const EnvSchema'), config.indexOf('});', config.indexOf('const EnvSchema')));
    const names = [...schema.matchAll(/^\s+([A-Z_]+):/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(8);
    for (const name of names) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});

describe('locale', () => {
  it.each([
    ['da-dk', 'da-DK'],
    ['EN_us', 'en-US'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['', undefined],
    ['123', undefined],
  ])('normalises %j to %j', (tag, expected) => {
    expect(normaliseLocale(tag)).toBe(expected);
  });

  it.each([
    ['en-GB', 'en'],
    ['da-DK', 'da'],
    ['nb-NO', 'da'],
    [undefined, 'da'],
  ])('%s speaks %s', (locale, lang) => {
    expect(languageOf(locale)).toBe(lang);
  });
});
