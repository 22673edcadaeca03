// Files in a personal chat, by Teams' file consent flow: the bot offers a file with a consent card
// (its name, size and what it is; nothing personal, since the card shows in the feed); the person
// accepts; Teams answers with an upload URL in their OneDrive; the bot uploads the content there
// and posts the file's card. Until then the content waits in the store (PendingFile), for the one
// person it is for, for at most FILE_KEEP_MS; declined or uploaded, it is deleted.
// https://learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4
import type { Activity, TurnContext } from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { PendingFile, StaffKey, Store } from '../store/index.js';
import { sameStaff } from '../store/index.js';

export const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
export const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
/** How long an offered file waits to be accepted. */
export const FILE_KEEP_MS = 24 * 3600_000;
/**
 * The upload is made while Teams waits for the consent invoke's answer (bots are reported to get about 15 s
 * before Teams shows an error), so it must end well before: these documents are a few kilobytes. A slower
 * OneDrive gets the "try again" answer and the copy stays for another press.
 */
const UPLOAD_TIMEOUT_MS = 10_000;

export interface FileToOffer {
  name: string;
  contentType: string;
  content: string;
  description: string;
  /** The notification's text: neutral. */
  summary: string;
  /** The citizen it is about, if one (an erasure deletes the file). */
  citizenId?: string;
}

/** Keep the content for its owner, and send the consent card. */
export async function offerFile(context: TurnContext, store: Store, clock: Clock, owner: StaffKey, file: FileToOffer): Promise<void> {
  const now = clock.now();
  await store.files.deleteExpired(now);
  const pending: PendingFile = {
    id: randomUUID(),
    owner: { tenantId: owner.tenantId, aadObjectId: owner.aadObjectId },
    name: file.name,
    contentType: file.contentType,
    content: file.content,
    ...(file.citizenId ? { citizenId: file.citizenId } : {}),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + FILE_KEEP_MS).toISOString(),
  };
  await store.files.save(pending);
  await context.sendActivity(consentActivity(pending, file.description, file.summary));
}

export function consentActivity(file: PendingFile, description: string, summary: string): Partial<Activity> {
  return {
    type: 'message',
    summary,
    attachments: [
      {
        contentType: FILE_CONSENT,
        name: file.name,
        content: { description, sizeInBytes: Buffer.byteLength(file.content, 'utf8'), acceptContext: { fileId: file.id }, declineContext: { fileId: file.id } },
      },
    ],
  };
}

/** What Teams sends when the consent card is answered (fileConsent/invoke); anything else is refused. */
const ConsentValue = z.object({
  action: z.enum(['accept', 'decline']),
  context: z.object({ fileId: z.string().uuid() }),
  uploadInfo: z
    .object({
      name: z.string().min(1).max(256),
      uploadUrl: z.string().min(1).max(4096),
      contentUrl: z.string().min(1).max(4096),
      uniqueId: z.string().max(256),
      fileType: z.string().max(32),
    })
    .optional(),
});

/** An upload URL the bot may PUT to: https on one of the hosts (or a subdomain); http only on this machine. */
export function uploadAllowed(url: string, hosts: readonly string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  const host = u.hostname.toLowerCase();
  const loopback = host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  if (!(u.protocol === 'https:' || (u.protocol === 'http:' && loopback))) return false;
  return hosts.some((h) => host === h || host.endsWith(`.${h}`));
}

export type ConsentOutcome = 'uploaded' | 'declined' | 'gone' | 'failed';

/**
 * Answer a fileConsent/invoke: the file must be the presser's and still kept. Accepted: uploaded
 * to the URL Teams gave (a host allowed) and the file's card posted; declined: deleted. The
 * outcome lets the caller say so in the person's language.
 */
export async function answerFileConsent(context: TurnContext, deps: { store: Store; clock: Clock; log: Logger; uploadHosts: readonly string[] }, presser: StaffKey): Promise<ConsentOutcome> {
  const parsed = ConsentValue.safeParse(context.activity.value);
  if (!parsed.success) return 'gone';
  const file = await deps.store.files.get(parsed.data.context.fileId);
  // Someone else's file, or one that ran out: the same answer, so it tells nothing.
  if (!file || !sameStaff(file.owner, presser) || file.expiresAt <= deps.clock.now().toISOString()) return 'gone';
  if (parsed.data.action === 'decline') {
    await deps.store.files.delete(file.id);
    return 'declined';
  }
  const info = parsed.data.uploadInfo;
  if (!info || !uploadAllowed(info.uploadUrl, deps.uploadHosts)) {
    deps.log.warn('file upload refused: the upload URL is not on an allowed host');
    return 'failed';
  }
  const body = Buffer.from(file.content, 'utf8');
  try {
    const res = await fetch(info.uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Range': `bytes 0-${body.length - 1}/${body.length}` },
      body,
      // A redirect would repeat the PUT, body and all, to a host nobody checked.
      redirect: 'error',
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
    });
    if (!res.ok) {
      deps.log.warn('file upload failed', { status: res.status });
      return 'failed';
    }
  } catch (err) {
    deps.log.warn('file upload failed', { reason: (err as Error).name });
    return 'failed';
  }
  await deps.store.files.delete(file.id);
  await context.sendActivity({
    type: 'message',
    attachments: [{ contentType: FILE_INFO, contentUrl: info.contentUrl, name: info.name, content: { uniqueId: info.uniqueId, fileType: info.fileType } }],
  });
  return 'uploaded';
}
