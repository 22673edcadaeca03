// Where the bot's data files (cards, rules, strings) live, whether it runs from src/ (tests) or dist/.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'cards'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`Cannot find the project folder above ${from}`);
    dir = up;
  }
}

export const projectRoot = findRoot(path.dirname(fileURLToPath(import.meta.url)));
export const cardsDir = path.join(projectRoot, 'cards');
export const rulesDir = path.join(projectRoot, 'rules');
export const stringsDir = path.join(projectRoot, 'src', 'i18n');
