// The Bot Framework activity as the bot reads it, checked at the edge before any logic: every field
// the bot uses has the type Teams sends, or is absent. Absent optional fields and every activity
// type pass (message, invoke of any name, conversationUpdate, installationUpdate, messageReaction,
// ...); fields the bot does not read pass through untouched. A wrong type is a 400, so a forged or
// broken activity never reaches the staff directory, the store or a flow.
import { z } from 'zod';

/**
 * Teams ids: printable ASCII (they travel in HTTP headers to the Bot Connector); conversation ids of
 * channel threads run long (";messageid=..."), 1 KB is ample.
 */
const Id = z.string().min(1).max(1024).regex(/^[\x20-\x7e]+$/, 'not a Teams id');
const OptionalText = (max: number) => z.string().max(max).nullish();

/** Entra object ids are GUIDs (the Agents Playground's have a longer last group): hex and dashes only. */
const ObjectId = z.string().regex(/^[0-9a-f][0-9a-f-]{30,38}[0-9a-f]$/i).nullish();

const Account = z
  .object({
    id: Id,
    name: OptionalText(512),
    aadObjectId: ObjectId,
    role: OptionalText(64),
  })
  .passthrough();

const Conversation = z
  .object({
    id: Id,
    conversationType: OptionalText(64),
    tenantId: ObjectId,
    isGroup: z.boolean().nullish(),
    name: OptionalText(1024),
  })
  .passthrough();

const ChannelData = z
  .object({
    tenant: z.object({ id: ObjectId }).passthrough().nullish(),
    channel: z.object({ id: OptionalText(1024), name: OptionalText(1024) }).passthrough().nullish(),
    team: z.object({ id: OptionalText(1024), name: OptionalText(1024) }).passthrough().nullish(),
  })
  .passthrough();

export const ActivityBody = z
  .object({
    type: z.string().min(1).max(64),
    id: OptionalText(1024),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.string().max(2048).url(),
    from: Account,
    // The bot itself: every reply is addressed from it.
    recipient: Account,
    conversation: Conversation,
    channelData: ChannelData.nullish(),
    locale: OptionalText(64),
    text: OptionalText(100_000),
    textFormat: OptionalText(32),
    name: OptionalText(256),
    replyToId: Id.nullish(),
    action: OptionalText(64),
    value: z.unknown().optional(),
    membersAdded: z.array(Account).max(10_000).nullish(),
    membersRemoved: z.array(Account).max(10_000).nullish(),
    entities: z.array(z.object({ type: z.string().max(256) }).passthrough()).max(100).nullish(),
    attachments: z.array(z.object({ contentType: z.string().max(256) }).passthrough()).max(100).nullish(),
  })
  .passthrough();

export type ActivityBody = z.infer<typeof ActivityBody>;

/** The checked activity with the nulls of optional fields removed: the code reads absent as absent. */
export function normaliseActivity(activity: ActivityBody): ActivityBody {
  const clean = <T extends Record<string, unknown>>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as T;
  const out = clean(activity);
  out.from = clean(activity.from);
  out.recipient = clean(activity.recipient);
  out.conversation = clean(activity.conversation);
  if (activity.channelData) out.channelData = clean(activity.channelData);
  if (activity.membersAdded) out.membersAdded = activity.membersAdded.map(clean);
  if (activity.membersRemoved) out.membersRemoved = activity.membersRemoved.map(clean);
  return out;
}

/** Where a body fails the check, in words for the 400 answer (field paths only, never values). */
export function problemsOf(error: z.ZodError): string {
  return [...new Set(error.issues.map((i) => i.path.join('.') || '(body)'))].slice(0, 10).join(', ');
}
