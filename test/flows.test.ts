// The shape of src/flows: one routing table holding exactly the verbs of the Verb type and a handler
// for every command (with its words in Danish and English); each flow a folder read from its
// index.ts that never imports another flow; the domain never importing the rule files' schemas.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { COMMAND_HANDLERS, textHandler, VERB_HANDLERS, verbHandler } from '../src/flows/index.js';
import { COMMANDS } from '../src/flows/shared/commands.js';
import { VERBS } from '../src/flows/verbs.js';
import { words } from '../src/i18n/index.js';
import { projectRoot } from '../src/paths.js';

const flowsDir = path.join(projectRoot, 'src/flows');
const FLOW_FOLDERS = readdirSync(flowsDir).filter((f) => statSync(path.join(flowsDir, f)).isDirectory() && f !== 'shared');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? tsFiles(full) : f.endsWith('.ts') ? [full] : [];
  });
}
const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)].map((m) => path.resolve(path.dirname(file), m[1]!));

describe('the routing table', () => {
  it('has a handler for exactly the verbs of the Verb type', () => {
    expect(Object.keys(VERB_HANDLERS).sort()).toEqual([...VERBS].sort());
  });

  it('answers a verb nobody knows, or one that names Object machinery, with nothing', () => {
    for (const v of ['nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty', '']) expect(verbHandler(v)).toBeUndefined();
    expect(verbHandler('visits.mine')).toBe(VERB_HANDLERS['visits.mine']);
  });

  it('has a handler for every command, whose words exist in Danish and English', () => {
    expect(Object.keys(COMMAND_HANDLERS).sort()).toEqual([...COMMANDS].sort());
    for (const c of COMMANDS) {
      expect(words('da', `commands.${c}`).length, c).toBeGreaterThan(0);
      expect(words('en', `commands.${c}`).length, c).toBeGreaterThan(0);
      expect(textHandler(words('da', `commands.${c}`)[0])).toBe(COMMAND_HANDLERS[c]);
      expect(textHandler(words('en', `commands.${c}`)[0])).toBe(COMMAND_HANDLERS[c]);
    }
    // Text that names no command: the help card, saying it was not understood; no text at all: the help card.
    expect(textHandler('noget helt andet')).not.toBe(COMMAND_HANDLERS.help);
    expect(textHandler('')).toBe(COMMAND_HANDLERS.help);
    expect(textHandler(undefined)).toBe(COMMAND_HANDLERS.help);
  });
});

describe('each flow a folder', () => {
  it('src/flows holds only the routing table, the shared types and the folders', () => {
    const loose = readdirSync(flowsDir).filter((f) => f.endsWith('.ts'));
    expect(loose.sort()).toEqual(['index.ts', 'types.ts', 'verbs.ts']);
    expect(FLOW_FOLDERS.sort()).toEqual(['accessRequest', 'auditTrail', 'erasure', 'figures', 'help', 'language', 'roles', 'screening', 'visitation', 'visits']);
  });

  it.each(FLOW_FOLDERS)('%s has an index.ts that opens with what the flow does', (folder) => {
    const index = readFileSync(path.join(flowsDir, folder, 'index.ts'), 'utf8');
    expect(index.startsWith('// ')).toBe(true);
  });

  it.each(FLOW_FOLDERS)('%s imports no other flow (referrals go through src/services/referrals.ts)', (folder) => {
    const others = FLOW_FOLDERS.filter((f) => f !== folder).map((f) => path.join(flowsDir, f) + path.sep);
    const crossing = tsFiles(path.join(flowsDir, folder)).flatMap((file) =>
      importsOf(file)
        .filter((target) => others.some((o) => target.startsWith(o)) || target === path.join(flowsDir, 'index.js'))
        .map((target) => `${path.relative(projectRoot, file)} -> ${path.relative(projectRoot, target)}`),
    );
    expect(crossing).toEqual([]);
  });

  it('the domain imports nothing from rules/, src/flows, the store or the Teams layer', () => {
    const forbidden = ['rules', 'src/flows', 'src/store', 'src/teams', 'src/services'].map((d) => path.join(projectRoot, d) + path.sep);
    const bad = tsFiles(path.join(projectRoot, 'src/domain')).flatMap((file) =>
      importsOf(file)
        .filter((target) => forbidden.some((f) => target.startsWith(f)))
        .map((target) => `${path.relative(projectRoot, file)} -> ${path.relative(projectRoot, target)}`),
    );
    expect(bad).toEqual([]);
  });
});
