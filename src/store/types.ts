// What the bot keeps, and the repositories it keeps it in. Callers ask for what they need; nothing
// outside src/store knows how or where it is stored (lowdb today, PostgreSQL to follow).
import type { CaseCount, CaseKey, CountingWeek } from '../domain/caseStats.js';
import type { Role } from '../domain/roles.js';

export type { CaseCount, CaseKey, CountingWeek };

/** A staff member is known by tenant + Entra object id. */
export interface StaffKey {
  tenantId: string;
  aadObjectId: string;
}

export interface StaffMember extends StaffKey, Versioned {
  /** The Teams user id (29:...) the bot talks to. */
  userId?: string;
  name: string;
  roles: Role[];
  /**
   * The activity centre the person works at (an id in rules/organisation.json centres), given with
   * the roles: their screenings and referrals count for that centre in the managers' figures.
   * null: an admin said none; absent: as the roles file says.
   */
  centre?: string | null;
  /** Where the roles came from: the seed file, an admin, or nobody yet. */
  rolesSetBy?: { by: 'file' | 'admin'; adminAadObjectId?: string; at: string };
  locale?: string;
  /** The language the person chose ("sprog"); wins over the default and the client's locale. */
  language?: 'da' | 'en';
  firstSeen: string;
  lastSeen: string;
}

export interface Citizen {
  id: string;
  /** The full CPR number (DDMMYYSSSS); shown masked wherever the whole number is not needed. */
  cpr: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * Records people edit carry a version. `save` writes only if the stored record still has the version
 * the caller read (a new record: none stored, version 0 or absent), and the saved record gets the
 * next one; otherwise it throws ConflictError. Within one transaction, saving the same record again
 * from the copy first read is allowed.
 */
export interface Versioned {
  version?: number;
}

export interface Screening extends Versioned {
  id: string;
  citizenId?: string;
  author: StaffKey;
  status: 'draft' | 'done' | 'cancelled';
  createdAt: string;
  updatedAt: string;
  /** The flow's own data (steps, answers, outcome); typed by the screening flow. */
  data: Record<string, unknown>;
}

export interface Referral extends Versioned {
  id: string;
  caseNumber: string;
  citizenId: string;
  status: 'new' | 'taken' | 'decided' | 'refused' | 'closed';
  createdAt: string;
  updatedAt: string;
  /** `centre`: the activity centre the referral counts for in the managers' figures (the referrer's, when made). */
  source: { kind: 'screening' | 'direct'; screeningId?: string; unit?: string; by: StaffKey; centre?: string };
  holder?: StaffKey;
  /** When the decision's follow-up is due (ISO), until it is answered: the follow-up job's index. */
  followUpDueAt?: string;
  data: Record<string, unknown>;
}

export interface Visit extends Versioned {
  id: string;
  citizenId: string;
  staff: StaffKey;
  /** ISO date-time, UTC. */
  at: string;
  service: string;
  /** draft: planned but held back while the planner decides what to do about an overlap. */
  status: 'draft' | 'planned' | 'done' | 'cancelled';
  /** Colleagues who join this visit (one joint visit). */
  jointWith?: StaffKey[];
  createdAt: string;
  updatedAt: string;
  data: Record<string, unknown>;
}

/** A staff member attached to a citizen through a service, with a purpose (who may see the citizen's visits). */
export interface Attachment extends Versioned {
  id: string;
  citizenId: string;
  staff: StaffKey;
  service: string;
  purpose: string;
  since: string;
  /** offered: a colleague already attached shared the citizen ("del borger"); taking it up needs no reason. */
  status: 'active' | 'detached' | 'offered';
  /** Who offered it (status offered, and after it is taken up). */
  offeredBy?: StaffKey;
  /** A manager assigned the citizen to the staff member (then also offeredBy); valid while she is a manager. */
  assignedBy?: StaffKey;
  detachedAt?: string;
  detachReason?: string;
}

/** A planner asked a colleague how to avoid a double visit. */
export interface Coordination extends Versioned {
  id: string;
  citizenId: string;
  planner: StaffKey;
  plannerVisitId: string;
  colleague: StaffKey;
  colleagueVisitId: string;
  status: 'pending' | 'answered';
  answer?: 'joint' | 'iTakeIt' | 'youTakeIt' | 'bothNeeded';
  reason?: string;
  /** The planner's card, updated in place with the answer. */
  plannerCard?: { conversationId: string; activityId: string };
  createdAt: string;
  answeredAt?: string;
}

/** One countable thing that happened to visits (statistics for managers: counts only). */
export interface VisitEventRecord {
  id: string;
  at: string;
  service: string;
  kind: 'planned' | 'overlapFound' | 'avoidedJoint' | 'avoidedHandedOver' | 'keptWithReason';
}


export type AuditAction = 'read' | 'create' | 'update' | 'delete' | 'export';

export interface AuditEntry {
  seq: number;
  at: string;
  actor: StaffKey & { name?: string };
  citizenId: string;
  action: AuditAction;
  purpose: string;
  /** What was touched, in words for an access request (no health data). */
  what: string;
  /** Why, in the staff member's words, when they broke the glass (attached to a citizen with no relation the bot knew). */
  reason?: string;
}

export interface ConversationRecord {
  /** The conversation id (a channel's own id, never a reply thread's). */
  id: string;
  kind: 'personal' | 'groupChat' | 'channel';
  tenantId?: string;
  /** For personal chats: whose chat it is. */
  user?: StaffKey;
  /** The botbuilder ConversationReference, as JSON; only the Teams layer reads it. */
  reference: Record<string, unknown>;
  updatedAt: string;
}

export type OutboxTarget =
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'user'; user: StaffKey };

export interface OutboxMessage {
  id: string;
  /** The same key twice is one message: enqueueing it again returns the first. */
  idempotencyKey: string;
  target: OutboxTarget;
  /** 'send' posts a new activity; 'update' replaces the activity that message `updates` posted. */
  operation: 'send' | 'update';
  updates?: string;
  /** What to send, as the Teams layer will post it (text and/or an Adaptive Card, and a preview summary). */
  payload: { text?: string; card?: Record<string, unknown>; summary?: string };
  /** The citizen it is about (an internal id, kept when retention empties the payload): erasure finds it by this. */
  citizenId?: string;
  /** Told in their personal chat if the message is given up (403, 404, too many attempts). */
  reportTo?: StaffKey;
  /** Retry on 403 as well: the recipient may not have the app yet. */
  retryOn403?: boolean;
  /** What the message is about, for whoever listens for its outcome (e.g. a referral card). */
  topic?: { kind: string; id: string };
  status: 'pending' | 'sent' | 'failed';
  /** The order it was queued in by its process, for messages queued in the same millisecond. */
  queued?: number;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  updatedAt: string;
  lastError?: { status?: number; code?: string; message: string };
  /** Where it went, so it can be updated in place later. */
  sent?: { conversationId: string; activityId: string; at: string };
  /** For an update of an activity the outbox did not send (a card answered in a turn). */
  replaces?: { conversationId: string; activityId: string };
  /**
   * Taken by a worker until `until`: nobody else tries it meanwhile. A worker that dies leaves the
   * claim to run out, and the message is tried again (it may have been posted: at most one duplicate).
   */
  claim?: { worker: string; until: string };
}

export interface StateItem {
  value: Record<string, unknown>;
  eTag: string;
  /** When it was last written (retention counts from it); items written before it was kept have none. */
  at?: string;
}

export type CasResult = { ok: true; eTag: string } | { ok: false; current?: StateItem };

/** Who talked to the bot, as bookkeeping: written on any turn, never versioned. */
export interface SeenFields {
  userId?: string;
  name?: string;
  locale?: string;
}

export interface StaffRepository {
  get(key: StaffKey): Promise<StaffMember | undefined>;
  /** Roles and language, which people edit: versioned (the member's version as read). */
  save(member: StaffMember): Promise<StaffMember>;
  /**
   * Bookkeeping: the person was seen at `at` (with their Teams id, name and locale, where given).
   * Creates the member (roles: staff) if unknown; leaves roles, language and version as they are.
   */
  touch(key: StaffKey, seen: SeenFields, at: string): Promise<StaffMember>;
  list(tenantId?: string): Promise<StaffMember[]>;
}

export interface CitizenRepository {
  get(id: string): Promise<Citizen | undefined>;
  findByCpr(cpr: string): Promise<Citizen | undefined>;
  /** The citizen with this CPR number, or `create()` stored as new: one citizen per CPR number, also with several writers. */
  findOrCreateByCpr(cpr: string, create: () => Citizen): Promise<{ citizen: Citizen; created: boolean }>;
  /** Refused with ConflictError ('unique') if another citizen has the CPR number. */
  save(citizen: Citizen): Promise<void>;
  delete(id: string): Promise<void>;
  count(): Promise<number>;
  /**
   * Ids of citizens once recorded under this CPR number whose record is gone (erased, or deleted by
   * retention): their access log is still kept under the id (src/store/pseudonym.ts). Empty when
   * the store has no pseudonym key.
   */
  formerIds(cpr: string): Promise<string[]>;
  /** An entry of the register of former citizens as it is (only for `npm run store:copy`). */
  addFormer(entry: FormerCitizen): Promise<void>;
}

/** A citizen whose record is gone, under a keyed pseudonym of the CPR number (src/store/pseudonym.ts). */
export interface FormerCitizen {
  pseudonym: string;
  citizenId: string;
  at: string;
}

export interface ScreeningRepository {
  get(id: string): Promise<Screening | undefined>;
  save(screening: Screening): Promise<Screening>;
  delete(id: string): Promise<void>;
  listByCitizen(citizenId: string): Promise<Screening[]>;
  draftsBy(author: StaffKey): Promise<Screening[]>;
}

export interface ReferralRepository {
  get(id: string): Promise<Referral | undefined>;
  save(referral: Referral): Promise<Referral>;
  /** Open referrals (new or taken), oldest first. */
  listOpen(): Promise<Referral[]>;
  listByCitizen(citizenId: string): Promise<Referral[]>;
  /** Referrals whose `followUpDueAt` has come at `now`, earliest first. */
  followUpsDue(now: Date): Promise<Referral[]>;
  /** The next case number, e.g. "V-2026-0001"; never handed out twice, also with several writers (a number may be skipped). */
  nextCaseNumber(year: number): Promise<string>;
  /** The next case numbers of `year` come after `last` (moving data from another store). */
  caseNumbersAfter(year: number, last: number): Promise<void>;
}

export interface VisitRepository {
  get(id: string): Promise<Visit | undefined>;
  save(visit: Visit): Promise<Visit>;
  delete(id: string): Promise<void>;
  listByCitizen(citizenId: string): Promise<Visit[]>;
  /** Visits a staff member makes or joins. */
  listByStaff(staff: StaffKey): Promise<Visit[]>;
}

export interface AttachmentRepository {
  get(id: string): Promise<Attachment | undefined>;
  save(attachment: Attachment): Promise<Attachment>;
  listByCitizen(citizenId: string): Promise<Attachment[]>;
  listByStaff(staff: StaffKey): Promise<Attachment[]>;
}

export interface CoordinationRepository {
  get(id: string): Promise<Coordination | undefined>;
  save(coordination: Coordination): Promise<Coordination>;
  /** A citizen's coordinations, oldest first (an access request; not on a turn's path). */
  listByCitizen(citizenId: string): Promise<Coordination[]>;
}

export interface VisitEventLog {
  append(event: Omit<VisitEventRecord, 'id'>): Promise<void>;
  since(iso: string): Promise<VisitEventRecord[]>;
}

/**
 * The managers' case figures (src/domain/caseStats.ts): counters per month, centre and outcome, no
 * citizen, no person and no order of events, so retention and erasure of the cases leave them and
 * nothing joins them to the access log.
 */
export interface CaseCountRepository {
  /** Add `n` (1) to the counter of this month, centre and key. */
  add(count: CaseKey & { month: string; centre?: string }, n?: number): Promise<void>;
  /** The counters from this month (YYYY-MM) on. */
  since(month: string): Promise<CaseCount[]>;
}

/** The centres' counting weeks (Tabel 1), in the order they were recorded: the last of a week wins. */
export interface CountingWeekRepository {
  append(week: CountingWeek): Promise<void>;
  all(): Promise<CountingWeek[]>;
}

export interface OutboxRepository {
  get(id: string): Promise<OutboxMessage | undefined>;
  findByIdempotencyKey(key: string): Promise<OutboxMessage | undefined>;
  save(message: OutboxMessage): Promise<void>;
  /** Pending messages due at `now`, oldest first (claimed or not). */
  due(now: Date): Promise<OutboxMessage[]>;
  /**
   * Take up to `limit` pending messages due at `now` that nobody holds (no claim, or one that ran
   * out), for `worker` until `now + leaseMs`; oldest first. Checked and set as one step.
   */
  claimDue(worker: string, now: Date, leaseMs: number, limit: number): Promise<OutboxMessage[]>;
  /** Hold a claim of `worker`'s longer: only if it is still pending and still `worker`'s (else undefined). */
  renewClaim(id: string, worker: string, until: string): Promise<OutboxMessage | undefined>;
  /** When the next pending message can be taken (the first of its conversation, due, and not held by a live claim), if any. */
  nextDueAt(): Promise<Date | undefined>;
  listByTopic(kind: string, id: string): Promise<OutboxMessage[]>;
  /** Pending messages for one person (tried again when they talk to the bot). */
  pendingFor(user: StaffKey): Promise<OutboxMessage[]>;
}

export interface AuditLog {
  append(entry: Omit<AuditEntry, 'seq' | 'at'> & { at?: string }): Promise<AuditEntry>;
  forCitizen(citizenId: string): Promise<AuditEntry[]>;
}

export interface ConversationRepository {
  save(record: ConversationRecord): Promise<void>;
  get(id: string): Promise<ConversationRecord | undefined>;
  personalChatOf(user: StaffKey): Promise<ConversationRecord | undefined>;
  /** Any conversation in the tenant (its service URL serves to open a new 1:1 chat). */
  anyInTenant(tenantId: string | undefined): Promise<ConversationRecord | undefined>;
}

/** Turn state for the Teams layer: compare-and-set on an eTag. */
export interface StateRepository {
  get(key: string): Promise<StateItem | undefined>;
  /** The items stored under any of `keys` (a turn's conversation and user state, in one read). */
  getMany(keys: string[]): Promise<Record<string, StateItem>>;
  /** `expected` undefined or '*' writes unconditionally; otherwise only if the stored item's eTag matches (MemoryStorage's rule). */
  compareAndSet(key: string, value: Record<string, unknown>, expected: string | undefined): Promise<CasResult>;
  delete(key: string): Promise<void>;
}

export interface SettingsRepository {
  get<T>(key: string): Promise<T | undefined>;
  /** The setting with its version (0: never set). */
  entry<T>(key: string): Promise<{ value: T | undefined; version: number }>;
  /** Set it; with `expectedVersion`, only if nobody set it since that version was read (else ConflictError). */
  set(key: string, value: unknown, expectedVersion?: number): Promise<void>;
}

/** The repositories: what a transaction sees, and what the store offers outside one. */
/**
 * A file waiting for its owner to accept it in Teams (the file consent card): the access-log
 * export, the statistics CSV. Kept only until it is uploaded, declined or `expiresAt`.
 */
export interface PendingFile {
  id: string;
  owner: StaffKey;
  /** The file's name as Teams shows it (no personal data: it shows in the consent card and the feed). */
  name: string;
  contentType: string;
  /** The content as text (UTF-8). */
  content: string;
  /** The citizen it is about, if one (an erasure deletes it). */
  citizenId?: string;
  createdAt: string;
  expiresAt: string;
}

export interface FileRepository {
  save(file: PendingFile): Promise<void>;
  get(id: string): Promise<PendingFile | undefined>;
  delete(id: string): Promise<void>;
  /** Delete every file past its `expiresAt`; how many. */
  deleteExpired(now: Date): Promise<number>;
}

export type RetentionKindName = 'drafts' | 'screenings' | 'referrals' | 'visits' | 'attachments' | 'coordinations' | 'outboxPayloads' | 'turnState' | 'citizens';

/** What each kind's period counts from, and what happens when it has passed (rules/retention.json). */
export interface RetentionRepository {
  /**
   * Delete or anonymise everything past its cutoff; how many of each kind:
   * - drafts: draft and cancelled screenings, from their last change;
   * - screenings: finished screenings, from their last change;
   * - referrals: refused and closed referrals, and decided ones whose follow-up is no longer due
   *   (answered or reminded), from their last change; open ones, and decided ones awaiting their
   *   follow-up, stay;
   * - visits: every visit, from the visit's own date;
   * - attachments: detached ones from their end, offers never taken up from the offer;
   * - coordinations: from when they were asked;
   * - outboxPayloads: sent and given-up messages lose their content (card, text), from their last
   *   change; id, target and outcome stay, so a channel card can still be updated;
   * - turnState: teams-ai's conversation and user state, from its last write (items with no date
   *   count as old);
   * - citizens: a citizen the store holds nothing more about (no screening, referral, visit or
   *   attachment), from the record's last change. Audit entries keep the citizen's id only; with a
   *   pseudonym key the id goes into the register of former citizens (`formerIds`);
   * - formerCitizens: register entries whose id has no audit entry left (the access log's own
   *   period removed the last; counted, not a kind of its own).
   */
  purge(cutoffs: Record<RetentionKindName, string>): Promise<Record<RetentionKindName, number> & { formerCitizens: number }>;
}

export type ErasedCounts = Record<'screenings' | 'referrals' | 'visits' | 'attachments' | 'coordinations' | 'outbox' | 'files' | 'state' | 'citizen', number>;

/** A citizen erased on request (GDPR art. 17): everything but the access log. */
export interface ErasureRepository {
  /**
   * Remove every record about the citizen: screenings, referrals, visits, attachments,
   * coordinations, the citizen. Outbox messages are about the citizen when they carry the citizen's
   * id or their content holds every string of one of `marks`; pending files and turn-state items
   * when their content does (e.g. [name, masked CPR],
   * [CPR], [a case number]): pending messages, files and state items are deleted; a sent message
   * keeps its id, target and outcome but loses its content, and is returned so the card it posted
   * can be replaced. The audit log stays.
   */
  eraseCitizen(citizenId: string, marks: string[][]): Promise<{ counts: ErasedCounts; sent: OutboxMessage[] }>;
}

export interface Repositories {
  staff: StaffRepository;
  citizens: CitizenRepository;
  screenings: ScreeningRepository;
  referrals: ReferralRepository;
  visits: VisitRepository;
  attachments: AttachmentRepository;
  coordinations: CoordinationRepository;
  visitEvents: VisitEventLog;
  caseCounts: CaseCountRepository;
  countingWeeks: CountingWeekRepository;
  outbox: OutboxRepository;
  audit: AuditLog;
  conversations: ConversationRepository;
  state: StateRepository;
  settings: SettingsRepository;
  files: FileRepository;
  retention: RetentionRepository;
  erasure: ErasureRepository;
}

/**
 * Leases on keys, for work that must not run twice at once on any instance (a conversation's turns).
 * Not part of a transaction: taking, renewing and giving up a lease are each one step of their own,
 * so no transaction stays open while the holder talks to Teams. A holder that dies leaves its lease
 * to run out.
 */
export interface LeaseRepository {
  /**
   * Take every one of `keys` for `holder` until `until`, if each is free, ran out by `now`, or is
   * `holder`'s already, and no other waiter has it reserved: all of them, or none. Refused, with
   * `reserveUntil`, the first key (sorted) is reserved for `holder` until then, unless another
   * waiter has it reserved: the next to take it is the one that waited. One key each, so waiters'
   * reservations never block each other in a circle.
   */
  acquire(keys: string[], holder: string, now: Date, until: Date, reserveUntil?: Date): Promise<boolean>;
  /** Hold longer what is still `holder`'s; false if any of it is not (it ran out and someone else took it). */
  renew(keys: string[], holder: string, until: Date): Promise<boolean>;
  /** Give up what is still `holder`'s. */
  release(keys: string[], holder: string): Promise<void>;
}

export interface Store extends Repositories {
  leases: LeaseRepository;
  /**
   * Run `fn`; everything it changes (records, audit entries, outbox messages) is stored together
   * with one durable write when it resolves, or not at all if it throws. `fn` must not do network
   * I/O (it maps onto a database transaction). The repositories of the store itself join the
   * transaction running in the same async context, so services built on the store take part
   * without being told; a transaction inside a transaction is the same one. Resolves once the
   * change is durable, then runs what was handed to `afterCommit`.
   */
  transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T>;
  /** Run `fn` once the transaction in progress has committed (at once when there is none); dropped on rollback. */
  afterCommit(fn: () => void): void;
  /**
   * Leave no copy of deleted data in the store's own files: the embedded store folds its log into a
   * new snapshot (the old logs go); PostgreSQL's deleted rows are the server's to vacuum.
   */
  forgetDeleted(): Promise<void>;
  /**
   * Delete access-log entries dated before `before` (retention; how many went). Not part of a
   * transaction: the embedded store rewrites its access-log file, crash-safely
   * (src/store/lowdb/history.ts).
   */
  pruneAuditLog(before: string): Promise<number>;
  status(): { status: 'ok' | 'error'; detail?: string };
  /** Flush, fold the log into a snapshot, release DATA_DIR. */
  close(): Promise<void>;
}

export const staffKeyString = (k: StaffKey): string => `${k.tenantId}|${k.aadObjectId}`;
export const sameStaff = (a: StaffKey | undefined, b: StaffKey | undefined): boolean =>
  !!a && !!b && a.tenantId === b.tenantId && a.aadObjectId === b.aadObjectId;
