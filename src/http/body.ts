// Reading a request body before anything trusts it: only uncompressed JSON, counted as it arrives
// (a body past the limit is refused without reading the rest), parsed with no prototype keys and
// no deeper nesting than an activity ever has. Every failure is an HTTP answer, never a throw.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string; message: string };

/** Keys that would reach an object's prototype machinery if a later step copied them by assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** An activity nests about six levels; card data a few more. Anything far deeper is not from Teams. */
export const MAX_DEPTH = 32;

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toString().trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== '') {
    // The Bot Connector sends plain JSON. Inflating first would let a small body grow past any limit.
    return refuse(415, 'unsupported_encoding', 'Send the activity as uncompressed JSON (no Content-Encoding).');
  }
  const type = (req.headers['content-type'] ?? '').toString().toLowerCase();
  if (!/^application\/([\w.+-]+\+)?json\s*(;|$)/.test(type)) {
    return refuse(415, 'unsupported_media_type', 'Send the activity as application/json.');
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return refuse(413, 'too_large', `The body is larger than ${maxBytes} bytes.`);

  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) return refuse(413, 'too_large', `The body is larger than ${maxBytes} bytes.`);
      chunks.push(chunk as Buffer);
    }
  } catch {
    return refuse(400, 'bad_request', 'The body could not be read.');
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (nestingDepth(text) > MAX_DEPTH) return refuse(400, 'bad_request', `The JSON nests deeper than ${MAX_DEPTH} levels.`);
  try {
    return { ok: true, value: JSON.parse(text, (key, value: unknown) => (FORBIDDEN_KEYS.has(key) ? undefined : value)) };
  } catch {
    return refuse(400, 'bad_request', 'The body is not valid JSON.');
  }
}

function refuse(status: 400 | 413 | 415, error: string, message: string): BodyResult {
  return { ok: false, status, error, message };
}

/** The deepest nesting of arrays and objects in JSON text, strings skipped; linear, no recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}
