// Per-language strings. Code names keys; every word a person reads comes from da.json or en.json.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringsDir } from '../paths.js';

export const LANGS = ['da', 'en'] as const;
export type Lang = (typeof LANGS)[number];
type Entry = string | string[];
type Table = Record<string, Entry>;

const tables: Record<Lang, Table> = Object.fromEntries(
  LANGS.map((lang) => [lang, JSON.parse(readFileSync(path.join(stringsDir, `${lang}.json`), 'utf8')) as Table]),
) as Record<Lang, Table>;

/** A language tag as clients send it ("da-dk", "EN_us", "en") in its canonical casing ("da-DK", "en-US"). */
export function normaliseLocale(tag: string | undefined | null): string | undefined {
  if (!tag || typeof tag !== 'string') return undefined;
  const parts = tag.trim().replace(/_/g, '-').split('-').filter(Boolean);
  if (!parts.length || !/^[a-z]{2,3}$/i.test(parts[0]!)) return undefined;
  return parts
    .map((p, i) => (i === 0 ? p.toLowerCase() : p.length === 2 ? p.toUpperCase() : p.length === 4 ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : p.toLowerCase()))
    .join('-');
}

/** The language a client's locale asks for: English for English clients, Danish otherwise. */
export function languageOf(locale: string | undefined): Lang {
  return normaliseLocale(locale)?.startsWith('en') ? 'en' : 'da';
}

/** How the bot picks a person's language: the municipality's default, unless the person chose. */
export interface LanguagePolicy {
  /** Danish unless the municipality configures otherwise (DEFAULT_LANGUAGE). */
  default: Lang;
  /** Let the Teams client's locale decide when the person has not chosen (LANGUAGE_FROM_CLIENT). */
  fromClient: boolean;
}

/**
 * A person's language: their own choice ("sprog"), else the client's locale if the municipality
 * lets it decide, else the default. Danish care staff with an English Teams still work in Danish.
 */
export function chooseLanguage(policy: LanguagePolicy, person: { chosen?: Lang; clientLocale?: string }): Lang {
  if (person.chosen) return person.chosen;
  if (policy.fromClient && normaliseLocale(person.clientLocale)) return languageOf(person.clientLocale);
  return policy.default;
}

export const isLang = (v: unknown): v is Lang => (LANGS as readonly unknown[]).includes(v);

/** A string by key, with {name} filled in; `key.one` is used instead when `count` is 1 and it exists. */
export function t(lang: Lang, key: string, vars: Record<string, string | number> = {}): string {
  const singular = vars.count === 1 ? (tables[lang][`${key}.one`] ?? tables.da[`${key}.one`]) : undefined;
  const entry = singular ?? tables[lang][key] ?? tables.da[key];
  if (typeof entry !== 'string') throw new Error(`Missing string "${key}" (${lang})`);
  return entry.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A word list (commands) in one language. */
export function words(lang: Lang, key: string): string[] {
  const entry = tables[lang][key] ?? tables.da[key];
  if (!Array.isArray(entry)) throw new Error(`Missing word list "${key}" (${lang})`);
  return entry;
}

/** A word list (commands) from every language, so a Danish user typing "help" is understood too. */
export function wordsInAnyLanguage(key: string): string[] {
  return LANGS.flatMap((lang) => {
    const entry = tables[lang][key];
    return Array.isArray(entry) ? entry : [];
  });
}

export function hasKey(key: string): boolean {
  return key in tables.da;
}

export function keysOf(lang: Lang): string[] {
  return Object.keys(tables[lang]);
}
