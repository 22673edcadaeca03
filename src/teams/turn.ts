// A Teams activity -> the plain Turn a flow sees (language, scope, user, tenant).
import type { Activity } from 'botbuilder';
import { normaliseLocale, type Lang } from '../i18n/index.js';
import type { Role } from '../domain/roles.js';
import type { Scope, Turn } from '../flows/types.js';
import type { StaffKey } from '../store/index.js';

export function localeOf(activity: Partial<Activity>): string | undefined {
  const fromActivity = normaliseLocale(activity.locale);
  if (fromActivity) return fromActivity;
  const clientInfo = activity.entities?.find((e) => e?.type === 'clientInfo') as { locale?: string } | undefined;
  return normaliseLocale(clientInfo?.locale);
}

export function scopeOf(activity: Partial<Activity>): Scope {
  const type = activity.conversation?.conversationType;
  return type === 'channel' || type === 'groupChat' ? type : 'personal';
}

export function tenantOf(activity: Partial<Activity>): string | undefined {
  const fromChannelData = (activity.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  if (typeof fromChannelData === 'string' && fromChannelData) return fromChannelData;
  const fromConversation = activity.conversation?.tenantId;
  return typeof fromConversation === 'string' && fromConversation ? fromConversation : undefined;
}

export function turnOf(activity: Partial<Activity>, botId: string | undefined, who?: { staff: StaffKey; roles: Role[]; openMode: boolean; lang: Lang }): Turn {
  const tenantId = tenantOf(activity);
  return {
    staff: who?.staff ?? { tenantId: tenantId ?? 'local', aadObjectId: activity.from?.aadObjectId ?? activity.from?.id ?? '' },
    roles: who?.roles ?? ['staff'],
    openMode: who?.openMode ?? false,
    // Without the directory (a failed turn's apology), the default: Danish.
    lang: who?.lang ?? 'da',
    scope: scopeOf(activity),
    user: { id: activity.from?.id ?? '', aadObjectId: activity.from?.aadObjectId, name: activity.from?.name },
    tenantId,
    conversationId: (activity.conversation?.id ?? '').split(';messageid=')[0]!,
    // The message holding the card a button was pressed on (Action.Execute: an invoke; Action.Submit: a message with a value).
    cardActivityId: activity.type === 'invoke' || (activity.type === 'message' && !activity.text && activity.value !== undefined) ? activity.replyToId : undefined,
    botId,
    localMode: !botId,
  };
}
