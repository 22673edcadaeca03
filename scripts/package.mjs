// Builds the Teams app package (appPackage/build/appPackage.zip): fills the manifest's ${{VAR}}
// placeholders, validates the result offline against the schemas bundled with
// @microsoft/app-manifest, then zips the manifest, icons and localization files at the zip root.
//
//   node scripts/package.mjs [--env NAME] [--env-dir DIR] [--out FILE]
//
// Values come from the environment first, then env/.env.NAME.user, then env/.env.NAME. Without
// --env, NAME is "dev" if env/.env.dev exists, else "local" (neither file has to exist then).
// --env-dir reads the files from another folder than env/ (tests use it to stay independent of
// whatever env files a developer has).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ManifestUtil } from '@microsoft/app-manifest';
import { zipSync } from 'fflate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const appPackageDir = path.join(root, 'appPackage');
const schemaRoot = path.join(root, 'node_modules', '@microsoft', 'app-manifest', 'build', 'json-schemas', 'teams');
const defaultOut = path.join(appPackageDir, 'build', 'appPackage.zip');

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Teams rejects the package without these, whether or not the manifest still mentions them. */
const REQUIRED_GUIDS = ['BOT_ID', 'TEAMS_APP_ID'];
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Sizes Teams enforces on upload; checked here so a bad icon fails before anyone uploads. */
const ICON_SIZES = { color: 192, outline: 32, color32x32: 32 };

/** A problem the user can fix; printed without a stack trace. */
class PackageError extends Error {
  constructor(problems) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** Paths in messages: relative to the repo when inside it. */
function rel(p) {
  const relative = path.relative(root, p);
  return relative.startsWith('..') || path.isAbsolute(relative) ? p : relative || '.';
}

// ---------- env files ----------

/** KEY=VALUE lines; `#` starts a comment line (or an inline comment after an unquoted value). */
function parseEnvFile(text, file) {
  const values = {};
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new PackageError([`${file}:${i + 1}: expected KEY=VALUE, found "${line}"`]);
    const [, key, rest] = match;
    const quoted = /^(["'])(.*)\1\s*(?:#.*)?$/.exec(rest);
    values[key] = quoted ? quoted[2] : rest.replace(/\s+#.*$/, '');
  });
  return values;
}

/** Sources in lookup order: the environment, then the .user file, then the shared file. */
function loadSources(envName, envDir) {
  if (envName !== undefined && !/^[A-Za-z0-9_-]+$/.test(envName)) {
    throw new PackageError([`--env "${envName}": expected a name like dev or local, not a path`]);
  }
  const name = envName ?? (existsSync(path.join(envDir, '.env.dev')) ? 'dev' : 'local');
  const base = path.join(envDir, `.env.${name}`);
  const user = `${base}.user`;
  if (envName && !existsSync(base)) {
    throw new PackageError([`--env ${envName}: ${rel(base)} does not exist`]);
  }
  const sources = [{ label: 'the environment', values: process.env }];
  for (const file of [user, base]) {
    if (existsSync(file)) sources.push({ label: rel(file), values: parseEnvFile(readFileSync(file, 'utf8'), rel(file)) });
  }
  return { name, sources, consulted: [rel(base), rel(user)] };
}

/** Empty counts as unset: Teams Toolkit writes `BOT_ID=` until the bot is provisioned. */
function lookup(sources, key) {
  for (const source of sources) {
    const value = source.values[key]?.trim();
    if (value) return { value, from: source.label };
  }
  return undefined;
}

function resolveVariables(keys, env) {
  const resolved = new Map();
  const problems = [];
  for (const key of keys) {
    const found = lookup(env.sources, key);
    if (!found) {
      const emptyIn = env.sources.slice(1).filter((s) => s.values[key] !== undefined).map((s) => s.label);
      const hint = emptyIn.length ? ` (empty in ${emptyIn.join(', ')}; provisioning fills it in)` : '';
      problems.push(`${key} is not set: set it in the environment or in ${env.consulted.join(' / ')}${hint}`);
    } else if (REQUIRED_GUIDS.includes(key) && !GUID.test(found.value)) {
      problems.push(`${key} from ${found.from} is not a GUID: "${found.value}"`);
    } else {
      resolved.set(key, found.value);
    }
  }
  if (problems.length) throw new PackageError(problems);
  return resolved;
}

/** Placeholders sit inside JSON strings, so the values are JSON-escaped before they go in. */
function fill(text, values) {
  return text.replace(PLACEHOLDER, (_, key) => JSON.stringify(values.get(key)).slice(1, -1));
}

// ---------- validation ----------

/**
 * The bundled schema for one manifest version. Two text fixes are needed before ajv accepts the
 * files: `\a` is no JavaScript regex escape (the package applies the same fix to schemas it
 * downloads), and the Localization schemas have patterns like `...\b]\.description$` whose lone
 * `]` is a syntax error in the unicode mode ajv compiles patterns with; escaping it keeps the meaning.
 */
function loadSchema(manifestVersion, file) {
  const schemaPath = path.join(schemaRoot, `v${manifestVersion}`, file);
  if (!existsSync(schemaPath)) {
    throw new PackageError([`no bundled schema ${file} for manifestVersion "${manifestVersion}" (looked for ${rel(schemaPath)})`]);
  }
  const text = readFileSync(schemaPath, 'utf8')
    .replace(/\\a/g, '\\x07')
    .replaceAll(String.raw`\\b]`, String.raw`\\b\\]`);
  return JSON.parse(text);
}

/** The value at a localization key such as `bots[0].commandLists[0].commands[3].title`, if any. */
function valueAtKey(manifest, key) {
  return key
    .split(/\.|(?=\[)/)
    .reduce((node, step) => {
      if (node === undefined || node === null) return undefined;
      const index = /^\[(\d+)\]$/.exec(step);
      return index ? node[Number(index[1])] : node[step];
    }, manifest);
}

function localizationFilesOf(manifest) {
  const info = manifest.localizationInfo;
  return [info?.defaultLanguageFile, ...(info?.additionalLanguages ?? []).map((l) => l.file)].filter(
    (name) => typeof name === 'string' && name !== '',
  );
}

function pngSize(bytes) {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length < 24 || signature.some((b, i) => bytes[i] !== b) || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    return undefined;
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** A file the manifest names, read from appPackage/; the path must stay inside it. */
function readPackageFile(name, problems) {
  const full = path.resolve(appPackageDir, name);
  if (path.dirname(full) !== appPackageDir) {
    problems.push(`"${name}" must be a file directly in appPackage/ (Teams wants every file at the zip root)`);
    return undefined;
  }
  if (!existsSync(full)) {
    problems.push(`the manifest names "${name}", but ${rel(full)} does not exist`);
    return undefined;
  }
  return readFileSync(full);
}

async function validate(manifest, manifestText, values) {
  const version = manifest.manifestVersion;
  const problems = [];
  const expectedSchemaUrl = `/v${version}/MicrosoftTeams.schema.json`;
  if (typeof manifest.$schema === 'string' && !manifest.$schema.endsWith(expectedSchemaUrl)) {
    problems.push(`$schema "${manifest.$schema}" does not match manifestVersion "${version}"`);
  }
  const errors = await ManifestUtil.validateManifestAgainstSchema(manifest, loadSchema(version, 'MicrosoftTeams.schema.json'));
  problems.push(...errors.map((e) => `manifest.json: ${e.trim()}`));

  const files = new Map([['manifest.json', Buffer.from(manifestText, 'utf8')]]);

  for (const [slot, size] of Object.entries(ICON_SIZES)) {
    const name = manifest.icons?.[slot];
    if (!name) continue;
    const bytes = readPackageFile(name, problems);
    if (!bytes) continue;
    const dims = pngSize(bytes);
    if (!dims) problems.push(`${name} (icons.${slot}) is not a PNG file`);
    else if (dims.width !== size || dims.height !== size) {
      problems.push(`${name} (icons.${slot}) is ${dims.width}x${dims.height}, Teams wants ${size}x${size}`);
    }
    files.set(name, bytes);
  }

  const localizations = localizationFilesOf(manifest);
  if (localizations.length) {
    const schema = loadSchema(version, 'MicrosoftTeams.Localization.schema.json');
    for (const name of localizations) {
      const bytes = readPackageFile(name, problems);
      if (!bytes) continue;
      const text = fill(bytes.toString('utf8'), values);
      let strings;
      try {
        strings = JSON.parse(text);
      } catch (e) {
        problems.push(`${name}: not valid JSON (${e.message})`);
        continue;
      }
      const locErrors = await ManifestUtil.validateManifestAgainstSchema(strings, schema);
      problems.push(...locErrors.map((e) => `${name}: ${e.trim()}`));
      // The schema only checks the shape of keys; a key for a command that is gone would be ignored by Teams silently.
      for (const key of Object.keys(strings)) {
        if (key !== '$schema' && key !== 'localizationKeys' && valueAtKey(manifest, key) === undefined) {
          problems.push(`${name}: "${key}" has no counterpart in manifest.json`);
        }
      }
      files.set(name, Buffer.from(text, 'utf8'));
    }
  }

  if (problems.length) throw new PackageError(problems);
  return files;
}

// ---------- main ----------

async function main() {
  const { values: args } = parseArgs({
    options: {
      env: { type: 'string' },
      'env-dir': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (args.help) {
    console.log('Usage: node scripts/package.mjs [--env NAME] [--env-dir DIR] [--out FILE]\n' +
      'Reads ${{VAR}} values from the environment, then DIR/.env.NAME.user, then DIR/.env.NAME\n' +
      '(DIR defaults to env/; NAME defaults to "dev" if DIR/.env.dev exists, else "local").\n' +
      `Writes ${rel(defaultOut)} unless --out is given.`);
    return;
  }

  const env = loadSources(args.env, path.resolve(args['env-dir'] ?? path.join(root, 'env')));
  const manifestPath = path.join(appPackageDir, 'manifest.json');
  const template = readFileSync(manifestPath, 'utf8');
  const referenced = new Set(REQUIRED_GUIDS);
  for (const match of template.matchAll(PLACEHOLDER)) referenced.add(match[1]);
  // Localization files may use placeholders too; collect theirs before resolving anything.
  for (const match of readLocalizationTemplates(template).matchAll(PLACEHOLDER)) referenced.add(match[1]);
  const values = resolveVariables([...referenced], env);

  const manifestText = fill(template, values);
  let manifest;
  try {
    manifest = JSON.parse(manifestText);
  } catch (e) {
    throw new PackageError([`manifest.json: not valid JSON after filling in values (${e.message})`]);
  }
  const files = await validate(manifest, manifestText, values);

  const out = path.resolve(args.out ?? defaultOut);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, zipSync(Object.fromEntries([...files].map(([name, bytes]) => [name, new Uint8Array(bytes)])), { level: 9 }));
  const sources = env.sources.slice(1).map((s) => s.label);
  console.log(`Wrote ${rel(out)} (manifest ${manifest.manifestVersion}, app ${manifest.version}; ` +
    `values from the environment${sources.length ? ` and ${sources.join(', ')}` : ''})\n  ${[...files.keys()].join(', ')}`);
}

/** Raw text of the localization files the (unfilled) manifest names, for collecting placeholders. */
function readLocalizationTemplates(template) {
  let manifest;
  try {
    manifest = JSON.parse(template);
  } catch {
    return ''; // reported after filling, with the real parse error
  }
  return localizationFilesOf(manifest)
    .filter((name) => existsSync(path.join(appPackageDir, name)))
    .map((name) => readFileSync(path.join(appPackageDir, name), 'utf8'))
    .join('\n');
}

main().catch((error) => {
  if (error instanceof PackageError || String(error?.code).startsWith('ERR_PARSE_ARGS')) {
    console.error(`Cannot build the Teams app package:\n${(error.problems ?? [error.message]).map((p) => `  - ${p}`).join('\n')}`);
  } else {
    console.error(error);
  }
  process.exitCode = 1;
});
