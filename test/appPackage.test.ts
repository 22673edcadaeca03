// The Teams app package: the manifest and its localization files against the official schemas
// bundled with @microsoft/app-manifest (offline), the icons as Teams checks them, and the zip that
// scripts/package.mjs builds.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { ManifestUtil } from '@microsoft/app-manifest';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { recognise } from '../src/flows/shared/commands.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appPackage = path.join(root, 'appPackage');
const schemaRoot = path.join(root, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams');

const BOT_ID = '3f2b6c1e-8a4d-4e2f-9b1c-0d5e7a9c1234';
const TEAMS_APP_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

type Json = Record<string, any>;
type Validatable = Parameters<typeof ManifestUtil.validateManifestAgainstSchema>;

const template = readFileSync(path.join(appPackage, 'manifest.json'), 'utf8');
const filled = template.replaceAll('${{BOT_ID}}', BOT_ID).replaceAll('${{TEAMS_APP_ID}}', TEAMS_APP_ID);
const manifest: Json = JSON.parse(filled);
const schemaDir = path.join(schemaRoot, `v${manifest.manifestVersion}`);

/**
 * The bundled schema file as ajv can compile it: `\a` is no JavaScript regex escape (the package
 * replaces it the same way for downloaded schemas), and the Localization schemas' `\b]` patterns
 * have a lone `]` that unicode-mode regexes refuse; escaping it keeps the meaning.
 */
function loadSchema(file: string): Json {
  const text = readFileSync(path.join(schemaDir, file), 'utf8')
    .replace(/\\a/g, '\\x07')
    .replaceAll(String.raw`\\b]`, String.raw`\\b\\]`);
  return JSON.parse(text);
}

function validate(document: Json, schema: Json): Promise<string[]> {
  return ManifestUtil.validateManifestAgainstSchema(document as Validatable[0], schema as Validatable[1]);
}

const manifestSchema = loadSchema('MicrosoftTeams.schema.json');
const localizationSchemaFile = readdirSync(schemaDir).find((f) => /Localization\.schema\.json$/.test(f));
const localizationFiles: string[] = [
  manifest.localizationInfo?.defaultLanguageFile,
  ...(manifest.localizationInfo?.additionalLanguages ?? []).map((l: { file: string }) => l.file),
].filter(Boolean);
const readJson = (file: string): Json => JSON.parse(readFileSync(path.join(appPackage, file), 'utf8'));
const commandsOf = (m: Json): { title: string }[][] =>
  (m.bots?.[0]?.commandLists ?? []).map((list: { commands: { title: string }[] }) => list.commands);

/** "1.30" -> [1, 30], so that 1.3 < 1.24 < 1.30 compare as versions, not as decimals. */
const versionParts = (v: string) => v.split('.').map(Number);

describe('manifest.json', () => {
  it('is a schema 1.24+ manifest whose $schema names the same version', () => {
    const [major, minor] = versionParts(manifest.manifestVersion);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(24);
    expect(manifest.$schema).toBe(
      `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`,
    );
  });

  it('keeps the app and bot ids as Teams Toolkit placeholders', () => {
    const raw: Json = JSON.parse(template);
    expect(raw.id).toBe('${{TEAMS_APP_ID}}');
    expect(raw.bots[0].botId).toBe('${{BOT_ID}}');
  });

  it('validates against the bundled schema once the placeholders are filled in', async () => {
    expect(template).toMatch(/\$\{\{/);
    expect(filled).not.toMatch(/\$\{\{/);
    expect(await validate(manifest, manifestSchema)).toEqual([]);
  });

  it('the validator does catch mistakes (an invalid bot scope)', async () => {
    const broken = structuredClone(manifest);
    broken.bots[0].scopes = ['personal', 'meetings'];
    const errors = await validate(broken, manifestSchema);
    expect(errors.some((e) => e.includes('/bots/0/scopes'))).toBe(true);
  });

  it('describes Aktiv Assistent as a conversational bot in personal, team and group chat', () => {
    expect(manifest.name.short).toBe('Aktiv Assistent');
    const bot = manifest.bots[0];
    expect([...bot.scopes].sort()).toEqual(['groupChat', 'personal', 'team']);
    // Files (the access-log export, the statistics CSV) go by Teams' file consent card, in a personal chat.
    expect(bot.supportsFiles).toBe(true);
    expect(bot.isNotificationOnly).toBe(false);
    expect(manifest.permissions).toEqual(['identity', 'messageTeamMembers']);
  });

  it('is Danish by default with English as an additional language', () => {
    expect(manifest.localizationInfo.defaultLanguageTag).toMatch(/^da(-dk)?$/i);
    const english = manifest.localizationInfo.additionalLanguages.find((l: { languageTag: string }) => /^en\b/i.test(l.languageTag));
    expect(english?.file).toBe('en.json');
    const titles = commandsOf(manifest).flat().map((c) => c.title);
    expect(titles).toEqual(['hjælp', 'ny screening', 'kø', 'mine besøg']);
  });

  it('offers only commands the bot understands (Teams sends the command title as the message text)', () => {
    const titles = commandsOf(manifest).flat().map((c) => c.title);
    expect(titles.map((title) => recognise(title))).toEqual(['help', 'screening', 'queue', 'visits']);
  });
});

describe('localization files', () => {
  it('has a Localization schema bundled for the manifest version', () => {
    expect(localizationSchemaFile).toBeDefined();
    expect(localizationFiles).toContain('en.json');
  });

  it.each(localizationFiles)('%s validates against the bundled Localization schema', async (file) => {
    const strings = readJson(file);
    expect(await validate(strings, loadSchema(localizationSchemaFile!))).toEqual([]);
    expect(strings.$schema).toBe(
      `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifest.manifestVersion}/${localizationSchemaFile}`,
    );
  });

  it.each(localizationFiles)('%s only translates strings that exist in the manifest', (file) => {
    const keyPath = (key: string) => key.split(/\.|(?=\[)/).map((step) => /^\[(\d+)\]$/.exec(step)?.[1] ?? step);
    for (const key of Object.keys(readJson(file)).filter((k) => k !== '$schema' && k !== 'localizationKeys')) {
      const value = keyPath(key).reduce<any>((node, step) => node?.[step], manifest);
      expect(typeof value, key).toBe('string');
    }
  });

  it('en.json translates every command, in English', () => {
    const en = readJson('en.json');
    const lists = commandsOf(manifest);
    const englishTitles = lists.flatMap((commands, i) =>
      commands.map((_, j) => en[`bots[0].commandLists[${i}].commands[${j}].title`]),
    );
    const titleKeys = Object.keys(en).filter((k) => /^bots\[0\]\.commandLists\[\d+\]\.commands\[\d+\]\.title$/.test(k));
    expect(titleKeys).toHaveLength(lists.flat().length);
    expect(englishTitles).toEqual(['help', 'new screening', 'queue', 'my visits']);
    expect(englishTitles.map((title) => recognise(title))).toEqual(['help', 'screening', 'queue', 'visits']);
    expect(en['name.short']).toBe('Aktiv Assistent');
  });
});

// ---------- icons ----------

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  /** Unfiltered RGBA bytes, row after row (only colour type 6, 8-bit is decoded). */
  pixels?: Buffer;
}

function readPng(file: string): Png {
  const bytes = readFileSync(path.join(appPackage, file));
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let header: Omit<Png, 'pixels'> | undefined;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0),
        height: data.readUInt32BE(4),
        bitDepth: data[8]!,
        colorType: data[9]!,
        interlace: data[12]!,
      };
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (!header) throw new Error(`${file}: no IHDR chunk`);
  if (header.colorType !== 6 || header.bitDepth !== 8 || header.interlace !== 0) return header;
  return { ...header, pixels: unfilter(zlib.inflateSync(Buffer.concat(idat)), header.width, header.height, 4) };
}

/** Undoes the per-row PNG filters (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth). */
function unfilter(raw: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const at = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[at + x - bpp]! : 0;
      const b = y > 0 ? out[at - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[at - stride + x - bpp]! : 0;
      let predictor: number;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a);
          const pb = Math.abs(p - b);
          const pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new Error(`row ${y}: unknown PNG filter type ${filter}`);
      }
      out[at + x] = (row[x]! + predictor) & 0xff;
    }
  }
  return out;
}

describe('icons', () => {
  it('the manifest names color.png and outline.png', () => {
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });

  it('color.png is a 192x192 full-colour icon', () => {
    const png = readPng('color.png');
    expect([png.width, png.height]).toEqual([192, 192]);
    expect(png.pixels).toBeDefined();
    const colours = new Set<number>();
    let translucent = 0;
    for (let i = 0; i < png.pixels!.length; i += 4) {
      if (png.pixels![i + 3] !== 255) translucent++;
      colours.add(png.pixels!.readUInt32BE(i));
    }
    // Teams shows the colour icon on its own background: it should be opaque and not a flat square.
    expect(translucent).toBe(0);
    expect(colours.size).toBeGreaterThan(2);
  });

  it('outline.png is 32x32, white on transparent only', () => {
    const png = readPng('outline.png');
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(png.pixels).toBeDefined();
    const px = png.pixels!;
    let white = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3] === 0) continue;
      expect([px[i], px[i + 1], px[i + 2]], `pixel ${i / 4} is visible but not white`).toEqual([255, 255, 255]);
      white++;
    }
    // Not blank and not a filled square.
    expect(white).toBeGreaterThan(50);
    expect(white).toBeLessThan(32 * 32 / 2);
  });

  it('the PNG reader undoes every filter type', () => {
    // 2x5 RGBA image, one row per filter type, each row encoded by hand from the same target pixels.
    const width = 2;
    const bpp = 4;
    const target = Buffer.from(Array.from({ length: 5 * width * bpp }, (_, i) => (i * 37 + 11) & 0xff));
    const raw: number[] = [];
    for (let y = 0; y < 5; y++) {
      raw.push(y);
      for (let x = 0; x < width * bpp; x++) {
        const cur = target[y * width * bpp + x]!;
        const a = x >= bpp ? target[y * width * bpp + x - bpp]! : 0;
        const b = y > 0 ? target[(y - 1) * width * bpp + x]! : 0;
        const c = x >= bpp && y > 0 ? target[(y - 1) * width * bpp + x - bpp]! : 0;
        const p = a + b - c;
        const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
        const predictor = [0, a, b, (a + b) >> 1, paeth][y]!;
        raw.push((cur - predictor) & 0xff);
      }
    }
    expect(unfilter(Buffer.from(raw), width, 5, bpp)).toEqual(target);
  });
});

// ---------- npm run package ----------

const run = promisify(execFile);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'aktiv-apppackage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The package script with a clean environment: no inherited ids, env files only from `envDir`. */
async function packageScript(args: string[], env: Record<string, string>) {
  const { BOT_ID: _b, TEAMS_APP_ID: _t, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/package.mjs', ...args], {
      cwd: root,
      env: { ...inherited, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code ?? 1, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('scripts/package.mjs', () => {
  const emptyEnvDir = mkdtempSync(path.join(tmp, 'env-empty-'));

  it('zips the filled manifest, icons and localization files at the zip root', async () => {
    const out = path.join(tmp, 'appPackage.zip');
    const result = await packageScript(['--env-dir', emptyEnvDir, '--out', out], { BOT_ID, TEAMS_APP_ID });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const files = unzipSync(readFileSync(out));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png', ...localizationFiles].sort());
    for (const [name, bytes] of Object.entries(files)) {
      if (name.endsWith('.json')) expect(strFromU8(bytes), name).not.toContain('${{');
      else expect(Buffer.from(bytes)).toEqual(readFileSync(path.join(appPackage, name)));
    }
    const zipped: Json = JSON.parse(strFromU8(files['manifest.json']!));
    expect(zipped.id).toBe(TEAMS_APP_ID);
    expect(zipped.bots[0].botId).toBe(BOT_ID);
    expect(await validate(zipped, manifestSchema)).toEqual([]);
    expect(JSON.parse(strFromU8(files['en.json']!))['bots[0].commandLists[0].commands[0].title']).toBe('help');
  });

  it('reads env files: the environment wins over NAME.user, which wins over NAME', async () => {
    const envDir = mkdtempSync(path.join(tmp, 'env-files-'));
    const fromUser = 'bbbbbbbb-2222-4333-8444-555555555555';
    writeFileSync(
      path.join(envDir, '.env.test'),
      `# written by a test\nTEAMSFX_ENV=test\nBOT_ID=${BOT_ID}\nTEAMS_APP_ID="${TEAMS_APP_ID}" # quoted\n`,
    );
    writeFileSync(path.join(envDir, '.env.test.user'), `BOT_ID='${fromUser}'\n`);
    const out = path.join(tmp, 'from-files.zip');

    const fromFiles = await packageScript(['--env', 'test', '--env-dir', envDir, '--out', out], {});
    expect(fromFiles.stderr).toBe('');
    let zipped: Json = JSON.parse(strFromU8(unzipSync(readFileSync(out))['manifest.json']!));
    expect([zipped.id, zipped.bots[0].botId]).toEqual([TEAMS_APP_ID, fromUser]);

    await packageScript(['--env', 'test', '--env-dir', envDir, '--out', out], { BOT_ID });
    zipped = JSON.parse(strFromU8(unzipSync(readFileSync(out))['manifest.json']!));
    expect(zipped.bots[0].botId).toBe(BOT_ID);
  });

  it('stops with a non-zero exit naming BOT_ID when it is missing', async () => {
    const out = path.join(tmp, 'missing.zip');
    const result = await packageScript(['--env-dir', emptyEnvDir, '--out', out], { TEAMS_APP_ID });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/BOT_ID is not set/);
    expect(result.stderr).not.toMatch(/TEAMS_APP_ID/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('stops naming the variable and its source when an id is not a GUID', async () => {
    const result = await packageScript(['--env-dir', emptyEnvDir, '--out', path.join(tmp, 'bad.zip')], {
      BOT_ID,
      TEAMS_APP_ID: 'not-a-guid',
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/TEAMS_APP_ID from the environment is not a GUID/);
  });
});
