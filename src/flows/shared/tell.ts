// Telling a colleague something on the bot's own initiative: through the outbox (durable, retried),
// in the colleague's language, with a neutral preview (no names, no health data).
import type { AdaptiveCardJson } from '../../../cards/index.js';
import type { StaffKey } from '../../store/index.js';
import type { Services } from '../types.js';

export interface Tidings {
  text?: string;
  card?: AdaptiveCardJson;
  /** What a notification or the activity feed shows: never personal data. */
  summary: string;
}

export async function tellStaff(
  services: Services,
  to: StaffKey,
  payload: Tidings,
  idempotencyKey: string,
  options: { reportTo?: StaffKey; topic?: { kind: string; id: string }; waitForApp?: boolean; citizenId?: string } = {},
): Promise<void> {
  await services.outbox?.enqueue({
    idempotencyKey,
    target: { kind: 'user', user: to },
    payload,
    reportTo: options.reportTo,
    topic: options.topic,
    retryOn403: options.waitForApp,
    citizenId: options.citizenId,
  });
}
