// Text messages are plain text for people (names as typed, documents for the record); Teams and
// Web Chat render markdown, so the Teams layer escapes it and keeps every line break.
import { describe, expect, it } from 'vitest';
import { asMarkdownLines } from '../../src/teams/proactive.js';
import { shownText } from '../helpers/conversation.js';

describe('text messages', () => {
  it('keeps each line on its own line and names with markdown characters as typed', () => {
    const text = 'Sammendrag\nBorger: Ann_Marie *Jensen* [test] #1\n- Gå ture\n\nSlut';
    const md = asMarkdownLines(text);
    expect(md).toBe('Sammendrag  \nBorger: Ann\\_Marie \\*Jensen\\* \\[test\\] \\#1  \n• Gå ture  \n  \nSlut');
    expect(shownText({ text: md })).toBe('Sammendrag\nBorger: Ann_Marie *Jensen* [test] #1\n• Gå ture\n\nSlut');
  });
});
