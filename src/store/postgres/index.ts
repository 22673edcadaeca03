// The PostgreSQL implementation of the repositories, for several bot instances on one database.
//
// Each record is a row: the record as JSON (doc) and the fields it is found by as columns
// (migrations/). A transaction is a database transaction on one pooled connection; the store's own
// repositories join the transaction of their async context (AsyncLocalStorage), as in the embedded
// store. Records people edit are saved with compare-and-set on their version (`UPDATE … WHERE
// version = $read`), so a change someone else made in between, on any instance, is refused.
import { cprPseudonymizer } from '../pseudonym.js';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import { runner } from 'node-pg-migrate';
import type { Clock } from '../../clock.js';
import { projectRoot } from '../../paths.js';
import { ConflictError } from '../errors.js';
import { afterCommitOf, joinedRepositories, runAfterCommit } from '../joined.js';
import { claimable, nextClaimableAt } from '../outboxClaims.js';
import type {
  Attachment,
  AuditEntry,
  Citizen,
  ConversationRecord,
  PendingFile,
  Coordination,
  OutboxMessage,
  Referral,
  Repositories,
  Screening,
  StaffMember,
  StateItem,
  Store,
  Versioned,
  Visit,
  VisitEventRecord,
  CaseCount,
  CountingWeek,
} from '../types.js';
import { staffKeyString } from '../types.js';

export interface PostgresOptions {
  /** postgres://… (sslmode=verify-full for a server across a network). */
  connectionString: string;
  clock: Clock;
  /** A schema of its own (tests); the default is the database's search path. */
  schema?: string;
  /** Connections in the pool. */
  max?: number;
  /** The password, asked for per connection (a file, or an Entra token that expires). */
  password?: () => Promise<string>;
  /** Run the migrations when opening (the default), or leave them to `npm run migrate`. */
  migrate?: boolean;
  /** The key of the register of former citizens (src/store/pseudonym.ts); none: no register. */
  cprPseudonymKey?: string;
}

type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult>;

interface Tx {
  live: boolean;
  query: Query;
  /** Versioned rows written in this transaction: the version they had before it. */
  bases: Map<string, number>;
  after: (() => void)[];
  repos: Repositories;
  savepoints: number;
}

export const MIGRATIONS_DIR = path.join(projectRoot, 'migrations');

/** Bring the schema up to date (an advisory lock makes instances starting together wait for each other). */
export async function migrate(options: Pick<PostgresOptions, 'connectionString' | 'schema' | 'password'>): Promise<void> {
  const client = new pg.Client(clientConfig(options));
  await client.connect();
  try {
    await runner({
      dbClient: client,
      dir: MIGRATIONS_DIR,
      direction: 'up',
      migrationsTable: 'pgmigrations',
      ...(options.schema ? { schema: options.schema, migrationsSchema: options.schema, createSchema: true, createMigrationsSchema: true } : {}),
      advisoryLockMode: 'wait',
      log: () => undefined,
    });
  } finally {
    await client.end();
  }
}

function clientConfig(options: Pick<PostgresOptions, 'connectionString' | 'schema' | 'password' | 'max'>): pg.PoolConfig {
  // With a password function (a file, an Entra token), the URL's own password (none, or empty)
  // must not win: the URL is parsed the way pg parses it, and its password left out.
  const fromUrl = options.password ? (({ password: _p, ...rest }) => rest)(parseIntoClientConfig(options.connectionString)) : { connectionString: options.connectionString };
  return {
    ...fromUrl,
    ...(options.password ? { password: options.password } : {}),
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
    ...(options.max ? { max: options.max } : {}),
    // A database that does not answer fails the turn after 10 s rather than holding it (and the chat's lease) without end.
    connectionTimeoutMillis: 10_000,
  };
}

const json = (v: unknown) => JSON.stringify(v);
const withVersion = <T>(row: { doc: T; version?: number }): T => (row.version === undefined ? row.doc : { ...row.doc, version: row.version });

export type PostgresStore = Store & { pool: pg.Pool; restoreVersion(table: string, id: string, version: number): Promise<void> };

export async function openPostgresStore(options: PostgresOptions): Promise<PostgresStore> {
  const pseudonym = cprPseudonymizer(options.cprPseudonymKey);
  if (options.migrate !== false) await migrate(options);
  // A statement the server does not answer in 30 s fails (the turn apologises) rather than hanging; migrations have no such limit.
  const pool = new pg.Pool({ ...clientConfig({ ...options, max: options.max ?? 10 }), query_timeout: 30_000 });
  // A connection that fails while idle must not end the process; the next query reports it.
  pool.on('error', () => undefined);
  const { clock } = options;
  let closed = false;
  let lastError: unknown;
  const prefix = randomBytes(6).toString('base64url');
  let counter = 0;
  const unique = () => `${prefix}.${(++counter).toString(36)}`;

  function repositories(tx: Tx | undefined, query: Query): Repositories {
    /** Delete citizens (`sql` returns their id and cpr); with a pseudonym key, their ids stay findable by CPR number for the access log. */
    const forgetCitizens = async (sql: string, values: unknown[]): Promise<number> => {
      const gone = (await query(sql, values)).rows as { id: string; cpr: string }[];
      if (pseudonym && gone.length) {
        await query(
          `INSERT INTO former_citizens (pseudonym, citizen_id, at) SELECT p, id, $3 FROM unnest($1::text[], $2::text[]) AS g(p, id) ON CONFLICT DO NOTHING`,
          [gone.map((c) => pseudonym(c.cpr)), gone.map((c) => c.id), clock.now().toISOString()],
        );
      }
      return gone.length;
    };
    const one = async <T>(text: string, values: unknown[]): Promise<T | undefined> => {
      const r = await query(text, values);
      return r.rows[0] ? withVersion(r.rows[0]) : undefined;
    };
    const many = async <T>(text: string, values: unknown[] = []): Promise<T[]> => (await query(text, values)).rows.map((row) => withVersion<T>(row));

    /**
     * Save a record people edit over the version it was read at; it gets the next one. A row whose
     * version is 0 (never edited, e.g. a staff member only seen) takes a first save.
     */
    async function saveVersioned<T extends Versioned>(table: string, id: string, record: T, columns: Record<string, unknown>): Promise<T> {
      const expected = record.version ?? 0;
      const key = `${table}\u0000${id}`;
      const base = tx?.bases.get(key);
      // Saved again in this transaction: only from the copy the first save returned.
      if (base !== undefined && expected !== base + 1) throw await conflict(table, id);
      const from = base !== undefined ? base + 1 : expected;
      const next = base !== undefined ? base + 1 : expected + 1;
      const { version: _v, ...doc } = record;
      const names = Object.keys(columns);
      const values = [id, next, json(doc), ...Object.values(columns)];
      const sets = names.map((n, i) => `${n} = $${i + 4}`);
      let r: pg.QueryResult;
      if (from === 0) {
        r = await query(
          `INSERT INTO ${table} (${table === 'staff' ? 'key' : 'id'}, version, doc${names.map((n) => `, ${n}`).join('')}) VALUES ($1, $2, $3::jsonb${names.map((_, i) => `, $${i + 4}`).join('')})
           ON CONFLICT (${table === 'staff' ? 'key' : 'id'}) DO UPDATE SET version = $2, doc = $3::jsonb${sets.map((s) => `, ${s}`).join('')} WHERE ${table}.version = 0 RETURNING 1`,
          values,
        );
      } else {
        r = await query(`UPDATE ${table} SET version = $2, doc = $3::jsonb${sets.map((s) => `, ${s}`).join('')} WHERE ${table === 'staff' ? 'key' : 'id'} = $1 AND version = ${from} RETURNING 1`, values);
      }
      if (!r.rowCount) throw await conflict(table, id);
      if (tx && base === undefined) tx.bases.set(key, expected);
      return { ...record, version: next };
    }

    async function conflict(table: string, id: string): Promise<ConflictError> {
      const current = await one<unknown>(`SELECT doc, version FROM ${table} WHERE ${table === 'staff' ? 'key' : 'id'} = $1`, [id]).catch(() => undefined);
      return new ConflictError('version', table === 'staff' ? 'staff' : table, id, current);
    }

    async function saveCitizen(c: Citizen): Promise<void> {
      const other = await query('SELECT id FROM citizens WHERE cpr = $1 AND id <> $2', [c.cpr, c.id]);
      // The error names the other record, never the CPR number (errors reach the log).
      if (other.rowCount) throw new ConflictError('unique', 'citizens', other.rows[0].id);
      await query('INSERT INTO citizens (id, cpr, doc) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO UPDATE SET cpr = $2, doc = $3::jsonb', [c.id, c.cpr, json(c)]);
    }

    const outboxColumns = (m: OutboxMessage) => [
      m.id,
      m.idempotencyKey,
      m.status,
      m.nextAttemptAt,
      m.createdAt,
      m.target.kind === 'user' ? staffKeyString(m.target.user) : null,
      m.topic ? `${m.topic.kind}|${m.topic.id}` : null,
      m.claim?.until ?? null,
      json(m),
    ];

    return {
      staff: {
        get: (key) => one<StaffMember>('SELECT doc, version FROM staff WHERE key = $1', [staffKeyString(key)]),
        save: (m) => saveVersioned('staff', staffKeyString(m), m, { tenant_id: m.tenantId }),
        async touch(key, seen, at) {
          const member: StaffMember = { tenantId: key.tenantId, aadObjectId: key.aadObjectId, userId: seen.userId, name: seen.name ?? '', roles: ['staff'], locale: seen.locale, firstSeen: at, lastSeen: at };
          // Merged with what is stored: only the fields seen, never roles, language or version.
          const patch = { ...(seen.userId ? { userId: seen.userId } : {}), ...(seen.name ? { name: seen.name } : {}), ...(seen.locale ? { locale: seen.locale } : {}), lastSeen: at };
          const r = await query(
            `INSERT INTO staff (key, tenant_id, version, doc) VALUES ($1, $2, 0, $3::jsonb)
             ON CONFLICT (key) DO UPDATE SET doc = staff.doc || $4::jsonb RETURNING doc, version`,
            [staffKeyString(key), key.tenantId, json(member), json(patch)],
          );
          return withVersion<StaffMember>(r.rows[0]);
        },
        list: (tenantId) => (tenantId ? many<StaffMember>('SELECT doc, version FROM staff WHERE tenant_id = $1', [tenantId]) : many<StaffMember>('SELECT doc, version FROM staff')),
      },
      citizens: {
        get: (id) => one<Citizen>('SELECT doc FROM citizens WHERE id = $1', [id]),
        findByCpr: (cpr) => one<Citizen>('SELECT doc FROM citizens WHERE cpr = $1', [cpr]),
        async findOrCreateByCpr(cpr, create) {
          const existing = await one<Citizen>('SELECT doc FROM citizens WHERE cpr = $1', [cpr]);
          if (existing) return { citizen: existing, created: false };
          const citizen = create();
          if (citizen.cpr !== cpr) throw new Error('findOrCreateByCpr: the new citizen has another CPR number');
          // Another writer recording the same CPR number at this moment: theirs is the one (the insert waits for it).
          const r = await query('INSERT INTO citizens (id, cpr, doc) VALUES ($1, $2, $3::jsonb) ON CONFLICT (cpr) DO NOTHING RETURNING 1', [citizen.id, cpr, json(citizen)]);
          if (r.rowCount) return { citizen, created: true };
          const theirs = await one<Citizen>('SELECT doc FROM citizens WHERE cpr = $1', [cpr]);
          if (!theirs) throw new ConflictError('unique', 'citizens', citizen.id);
          return { citizen: theirs, created: false };
        },
        save: (c) => saveCitizen(c),
        delete: async (id) => void (await forgetCitizens('DELETE FROM citizens WHERE id = $1 RETURNING id, cpr', [id])),
        count: async () => Number((await query('SELECT count(*)::int AS n FROM citizens')).rows[0].n),
        async addFormer(f) {
          await query('INSERT INTO former_citizens (pseudonym, citizen_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [f.pseudonym, f.citizenId, f.at]);
        },
        async formerIds(cpr) {
          if (!pseudonym) return [];
          const r = await query('SELECT f.citizen_id FROM former_citizens f WHERE f.pseudonym = $1 AND NOT EXISTS (SELECT 1 FROM citizens c WHERE c.id = f.citizen_id) ORDER BY f.at', [pseudonym(cpr)]);
          return r.rows.map((row) => row.citizen_id as string);
        },
      },
      screenings: {
        get: (id) => one<Screening>('SELECT doc, version FROM screenings WHERE id = $1', [id]),
        save: (s) => saveVersioned('screenings', s.id, s, { citizen_id: s.citizenId ?? null, author_key: staffKeyString(s.author), status: s.status, created_at: s.createdAt }),
        delete: async (id) => void (await query('DELETE FROM screenings WHERE id = $1', [id])),
        listByCitizen: (citizenId) => many<Screening>('SELECT doc, version FROM screenings WHERE citizen_id = $1 ORDER BY created_at', [citizenId]),
        draftsBy: (author) => many<Screening>(`SELECT doc, version FROM screenings WHERE author_key = $1 AND status = 'draft' ORDER BY created_at`, [staffKeyString(author)]),
      },
      referrals: {
        get: (id) => one<Referral>('SELECT doc, version FROM referrals WHERE id = $1', [id]),
        save: (r) => saveVersioned('referrals', r.id, r, { citizen_id: r.citizenId, status: r.status, created_at: r.createdAt, follow_up_due_at: r.followUpDueAt ?? null }),
        listOpen: () => many<Referral>(`SELECT doc, version FROM referrals WHERE status IN ('new', 'taken') ORDER BY created_at`),
        listByCitizen: (citizenId) => many<Referral>('SELECT doc, version FROM referrals WHERE citizen_id = $1 ORDER BY created_at', [citizenId]),
        followUpsDue: (now) => many<Referral>('SELECT doc, version FROM referrals WHERE follow_up_due_at <= $1 ORDER BY follow_up_due_at', [now.toISOString()]),
        async nextCaseNumber(year) {
          // A row per year, counted up under its row lock: unique across instances.
          const r = await query('INSERT INTO case_numbers (year, last) VALUES ($1, 1) ON CONFLICT (year) DO UPDATE SET last = case_numbers.last + 1 RETURNING last', [year]);
          return `V-${year}-${String(r.rows[0].last).padStart(4, '0')}`;
        },
        async caseNumbersAfter(year, last) {
          await query('INSERT INTO case_numbers (year, last) VALUES ($1, $2) ON CONFLICT (year) DO UPDATE SET last = greatest(case_numbers.last, $2)', [year, last]);
        },
      },
      visits: {
        get: (id) => one<Visit>('SELECT doc, version FROM visits WHERE id = $1', [id]),
        save: (v) => saveVersioned('visits', v.id, v, { citizen_id: v.citizenId, at: v.at, staff_keys: [staffKeyString(v.staff), ...(v.jointWith ?? []).map(staffKeyString)] }),
        delete: async (id) => void (await query('DELETE FROM visits WHERE id = $1', [id])),
        listByCitizen: (citizenId) => many<Visit>('SELECT doc, version FROM visits WHERE citizen_id = $1 ORDER BY at', [citizenId]),
        listByStaff: (staff) => many<Visit>('SELECT doc, version FROM visits WHERE staff_keys @> ARRAY[$1]::text[] ORDER BY at', [staffKeyString(staff)]),
      },
      attachments: {
        get: (id) => one<Attachment>('SELECT doc, version FROM attachments WHERE id = $1', [id]),
        save: (a) => saveVersioned('attachments', a.id, a, { citizen_id: a.citizenId, staff_key: staffKeyString(a.staff), since: a.since }),
        listByCitizen: (citizenId) => many<Attachment>('SELECT doc, version FROM attachments WHERE citizen_id = $1 ORDER BY since', [citizenId]),
        listByStaff: (staff) => many<Attachment>('SELECT doc, version FROM attachments WHERE staff_key = $1 ORDER BY since', [staffKeyString(staff)]),
      },
      coordinations: {
        get: (id) => one<Coordination>('SELECT doc, version FROM coordinations WHERE id = $1', [id]),
        save: (c) => saveVersioned('coordinations', c.id, c, {}),
        listByCitizen: (citizenId) => many<Coordination>(`SELECT doc, version FROM coordinations WHERE doc->>'citizenId' = $1 ORDER BY (doc->>'createdAt') COLLATE "C"`, [citizenId]),
      },
      visitEvents: {
        async append(event) {
          const record: VisitEventRecord = { ...event, id: `${event.at}:${randomUUID()}` };
          await query('INSERT INTO visit_events (at, doc) VALUES ($1, $2::jsonb)', [event.at, json(record)]);
        },
        since: (iso) => many<VisitEventRecord>('SELECT doc FROM visit_events WHERE at >= $1 ORDER BY id', [iso]),
      },
      caseCounts: {
        async add(count, n = 1) {
          // One row per month, centre and key, added to in place: no row per case, so no order of cases.
          await query(
            'INSERT INTO case_counts (month, centre, kind, value, n) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (month, centre, kind, value) DO UPDATE SET n = case_counts.n + EXCLUDED.n',
            [count.month, count.centre ?? '', count.kind, count.value, n],
          );
        },
        async since(month) {
          const rows = (await query('SELECT month, centre, kind, value, n FROM case_counts WHERE month >= $1 ORDER BY month, centre, kind, value', [month])).rows as { month: string; centre: string; kind: CaseCount['kind']; value: string; n: number }[];
          return rows.map((r) => ({ month: r.month, ...(r.centre ? { centre: r.centre } : {}), kind: r.kind, value: r.value, n: Number(r.n) }) as CaseCount);
        },
      },
      countingWeeks: {
        async append(week) {
          await query('INSERT INTO counting_weeks (doc) VALUES ($1::jsonb)', [json(week)]);
        },
        // In the order recorded (the database's sequence, not an instance's clock).
        all: () => many<CountingWeek>('SELECT doc FROM counting_weeks ORDER BY id', []),
      },
      outbox: {
        get: (id) => one<OutboxMessage>('SELECT doc FROM outbox WHERE id = $1', [id]),
        findByIdempotencyKey: (key) => one<OutboxMessage>('SELECT doc FROM outbox WHERE idempotency_key = $1', [key]),
        async save(m) {
          await query(
            `INSERT INTO outbox (id, idempotency_key, status, next_attempt_at, created_at, target_user_key, topic, claim_until, doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
             ON CONFLICT (id) DO UPDATE SET idempotency_key = $2, status = $3, next_attempt_at = $4, created_at = $5, target_user_key = $6, topic = $7, claim_until = $8, doc = $9::jsonb`,
            outboxColumns(m),
          );
        },
        due: (now) => many<OutboxMessage>(`SELECT doc FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at`, [now.toISOString()]),
        async claimDue(worker, now, leaseMs, limit) {
          const until = new Date(now.getTime() + leaseMs).toISOString();
          // One claim at a time across instances (a lock held to the end of this transaction, which
          // works behind PgBouncer in transaction mode): lanes stay in order whoever takes them.
          await query('SELECT pg_advisory_xact_lock(7215001)');
          const pending = await many<OutboxMessage>(`SELECT doc FROM outbox WHERE status = 'pending'`);
          const taken = claimable(pending, worker, now, limit).map((m) => ({ ...m, claim: { worker, until } }));
          if (taken.length) {
            await query(`UPDATE outbox SET claim_until = $2, doc = jsonb_set(doc, '{claim}', $3::jsonb) WHERE id = ANY($1::text[])`, [taken.map((m) => m.id), until, json({ worker, until })]);
          }
          return taken;
        },
        renewClaim: (id, worker, until) =>
          // Checked and set in one statement: a claim another instance took meanwhile is not overwritten.
          one<OutboxMessage>(
            `UPDATE outbox SET claim_until = $3, doc = jsonb_set(doc, '{claim}', $4::jsonb) WHERE id = $1 AND status = 'pending' AND doc->'claim'->>'worker' = $2 RETURNING doc`,
            [id, worker, until, json({ worker, until })],
          ),
        nextDueAt: async () => nextClaimableAt(await many<OutboxMessage>(`SELECT doc FROM outbox WHERE status = 'pending'`)),
        pendingFor: (user) => many<OutboxMessage>(`SELECT doc FROM outbox WHERE status = 'pending' AND target_user_key = $1`, [staffKeyString(user)]),
        listByTopic: (kind, id) => many<OutboxMessage>('SELECT doc FROM outbox WHERE topic = $1 ORDER BY created_at', [`${kind}|${id}`]),
      },
      audit: {
        async append(entry) {
          const at = entry.at ?? clock.now().toISOString();
          const r = await query('INSERT INTO audit (citizen_id, doc) VALUES ($1, $2::jsonb) RETURNING seq', [entry.citizenId, json({ ...entry, at })]);
          return { ...entry, at, seq: Number(r.rows[0].seq) } as AuditEntry;
        },
        async forCitizen(citizenId) {
          const r = await query('SELECT seq, doc FROM audit WHERE citizen_id = $1 ORDER BY seq', [citizenId]);
          return r.rows.map((row) => ({ ...row.doc, seq: Number(row.seq) }) as AuditEntry);
        },
      },
      erasure: {
        async eraseCitizen(citizenId, marks) {
          const about = (value: unknown) => {
            const text = JSON.stringify(value ?? null);
            return marks.some((group) => group.length > 0 && group.every((m) => text.includes(m)));
          };
          const n = async (sql: string) => (await query(sql, [citizenId])).rowCount ?? 0;
          // Candidates by the first string of each group (in SQL), then each group whole (here).
          const firsts = marks.filter((g) => g.length).map((g) => g[0]!);
          const candidates = async (sql: string) => (firsts.length ? (await query(sql, [firsts])).rows : []);
          const counts = {
            screenings: await n('DELETE FROM screenings WHERE citizen_id = $1'),
            referrals: await n('DELETE FROM referrals WHERE citizen_id = $1'),
            visits: await n('DELETE FROM visits WHERE citizen_id = $1'),
            attachments: await n('DELETE FROM attachments WHERE citizen_id = $1'),
            coordinations: await n(`DELETE FROM coordinations WHERE doc->>'citizenId' = $1`),
            outbox: 0,
            files: 0,
            state: 0,
            citizen: await forgetCitizens('DELETE FROM citizens WHERE id = $1 RETURNING id, cpr', [citizenId]),
          };
          const fileRows = (await query(`SELECT id, doc FROM files WHERE doc->>'citizenId' = $1 OR EXISTS (SELECT 1 FROM unnest($2::text[]) m WHERE strpos(doc::text, m) > 0)`, [citizenId, firsts])).rows;
          for (const row of fileRows) {
            const f = row.doc as PendingFile;
            if (f.citizenId !== citizenId && !about(f.content)) continue;
            await query('DELETE FROM files WHERE id = $1', [row.id]);
            counts.files++;
          }
          const sent: OutboxMessage[] = [];
          const outboxRows = (
            await query(`SELECT id, status, doc FROM outbox WHERE doc->>'citizenId' = $1 OR EXISTS (SELECT 1 FROM unnest($2::text[]) m WHERE strpos((doc->'payload')::text, m) > 0)`, [citizenId, firsts])
          ).rows;
          for (const row of outboxRows) {
            const m = row.doc as OutboxMessage;
            if (m.citizenId !== citizenId && !about(m.payload)) continue;
            counts.outbox++;
            if (row.status === 'pending') await query('DELETE FROM outbox WHERE id = $1', [row.id]);
            else {
              await query(`UPDATE outbox SET doc = jsonb_set(doc, '{payload}', '{}'::jsonb) WHERE id = $1`, [row.id]);
              sent.push({ ...m, payload: {} });
            }
          }
          for (const row of await candidates(`SELECT key, value FROM turn_state WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) m WHERE strpos(value::text, m) > 0)`)) {
            if (!about(row.value)) continue;
            await query('DELETE FROM turn_state WHERE key = $1', [row.key]);
            counts.state++;
          }
          return { counts, sent };
        },
      },
      retention: {
        async purge(cut) {
          // Dates inside the documents compare as plain text (ISO), byte by byte: COLLATE "C".
          const n = async (sql: string, at: string) => (await query(sql, [at])).rowCount ?? 0;
          const older = (field: string) => `(doc->>'${field}') COLLATE "C" < $1`;
          const counts = {
            drafts: await n(`DELETE FROM screenings WHERE status IN ('draft', 'cancelled') AND ${older('updatedAt')}`, cut.drafts),
            screenings: await n(`DELETE FROM screenings WHERE status = 'done' AND ${older('updatedAt')}`, cut.screenings),
            referrals: await n(`DELETE FROM referrals WHERE (status IN ('refused', 'closed') OR (status = 'decided' AND follow_up_due_at IS NULL)) AND ${older('updatedAt')}`, cut.referrals),
            visits: await n('DELETE FROM visits WHERE at < $1', cut.visits),
            attachments: await n(
              `DELETE FROM attachments WHERE (doc->>'status' = 'detached' AND (coalesce(doc->>'detachedAt', since)) COLLATE "C" < $1) OR (doc->>'status' = 'offered' AND since < $1)`,
              cut.attachments,
            ),
            coordinations: await n(`DELETE FROM coordinations WHERE ${older('createdAt')}`, cut.coordinations),
            outboxPayloads: await n(`UPDATE outbox SET doc = jsonb_set(doc, '{payload}', '{}'::jsonb) WHERE status <> 'pending' AND ${older('updatedAt')} AND doc->'payload' <> '{}'::jsonb`, cut.outboxPayloads),
            turnState: await n('DELETE FROM turn_state WHERE updated_at IS NULL OR updated_at < $1', cut.turnState),
            citizens: 0,
          };
          counts.citizens = await forgetCitizens(
            `DELETE FROM citizens c WHERE ${older('updatedAt')}
               AND NOT EXISTS (SELECT 1 FROM screenings x WHERE x.citizen_id = c.id) AND NOT EXISTS (SELECT 1 FROM referrals x WHERE x.citizen_id = c.id)
               AND NOT EXISTS (SELECT 1 FROM visits x WHERE x.citizen_id = c.id) AND NOT EXISTS (SELECT 1 FROM attachments x WHERE x.citizen_id = c.id)
             RETURNING id, cpr`,
            [cut.citizens],
          );
          // A former citizen with no access-log entry left (their last went by the log's own period).
          const formerCitizens = (await query('DELETE FROM former_citizens f WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.citizen_id = f.citizen_id)', [])).rowCount ?? 0;
          return { ...counts, formerCitizens };
        },
      },
      files: {
        async save(f) {
          await query('INSERT INTO files (id, expires_at, doc) VALUES ($1, $2, $3::jsonb) ON CONFLICT (id) DO UPDATE SET expires_at = $2, doc = $3::jsonb', [f.id, f.expiresAt, json(f)]);
        },
        get: (id) => one<PendingFile>('SELECT doc FROM files WHERE id = $1', [id]),
        async delete(id) {
          await query('DELETE FROM files WHERE id = $1', [id]);
        },
        async deleteExpired(now) {
          return (await query('DELETE FROM files WHERE expires_at <= $1', [now.toISOString()])).rowCount ?? 0;
        },
      },
      conversations: {
        async save(c) {
          await query(
            `INSERT INTO conversations (id, tenant_id, personal_user_key, doc) VALUES ($1, $2, $3, $4::jsonb)
             ON CONFLICT (id) DO UPDATE SET tenant_id = $2, personal_user_key = $3, doc = $4::jsonb`,
            [c.id, c.tenantId ?? '', c.kind === 'personal' && c.user ? staffKeyString(c.user) : null, json(c)],
          );
        },
        get: (id) => one<ConversationRecord>('SELECT doc FROM conversations WHERE id = $1', [id]),
        personalChatOf: (user) => one<ConversationRecord>('SELECT doc FROM conversations WHERE personal_user_key = $1 LIMIT 1', [staffKeyString(user)]),
        anyInTenant: (tenantId) => one<ConversationRecord>('SELECT doc FROM conversations WHERE tenant_id = $1 LIMIT 1', [tenantId ?? '']),
      },
      state: {
        async get(key) {
          const r = await query('SELECT value, etag FROM turn_state WHERE key = $1', [key]);
          return r.rows[0] ? ({ value: r.rows[0].value, eTag: r.rows[0].etag } as StateItem) : undefined;
        },
        async getMany(keys) {
          const r = await query('SELECT key, value, etag FROM turn_state WHERE key = ANY($1::text[])', [keys]);
          return Object.fromEntries(r.rows.map((row) => [row.key, { value: row.value, eTag: row.etag }]));
        },
        async compareAndSet(key, value, expected) {
          const eTag = unique();
          if (expected === undefined || expected === '*') {
            await query('INSERT INTO turn_state (key, value, etag, updated_at) VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT (key) DO UPDATE SET value = $2::jsonb, etag = $3, updated_at = $4', [key, json(value), eTag, clock.now().toISOString()]);
            return { ok: true, eTag };
          }
          const updated = await query('UPDATE turn_state SET value = $2::jsonb, etag = $3, updated_at = $5 WHERE key = $1 AND etag = $4', [key, json(value), eTag, expected, clock.now().toISOString()]);
          if (updated.rowCount) return { ok: true, eTag };
          // As MemoryStorage: an eTag only guards an item that exists.
          const inserted = await query('INSERT INTO turn_state (key, value, etag, updated_at) VALUES ($1, $2::jsonb, $3, $4) ON CONFLICT (key) DO NOTHING', [key, json(value), eTag, clock.now().toISOString()]);
          if (inserted.rowCount) return { ok: true, eTag };
          const current = await query('SELECT value, etag FROM turn_state WHERE key = $1', [key]);
          return { ok: false, current: current.rows[0] ? { value: current.rows[0].value, eTag: current.rows[0].etag } : undefined };
        },
        delete: async (key) => void (await query('DELETE FROM turn_state WHERE key = $1', [key])),
      },
      settings: {
        get: async <T>(key: string) => (await query('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value as T | undefined,
        async entry<T>(key: string) {
          const r = await query('SELECT value, version FROM settings WHERE key = $1', [key]);
          return r.rows[0] ? { value: r.rows[0].value as T, version: r.rows[0].version as number } : { value: undefined, version: 0 };
        },
        async set(key, value, expectedVersion) {
          let r: pg.QueryResult;
          if (expectedVersion === undefined) {
            r = await query('INSERT INTO settings (key, version, value) VALUES ($1, 1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET version = settings.version + 1, value = $2::jsonb', [key, json(value)]);
          } else if (expectedVersion === 0) {
            r = await query('INSERT INTO settings (key, version, value) VALUES ($1, 1, $2::jsonb) ON CONFLICT (key) DO NOTHING', [key, json(value)]);
          } else {
            r = await query('UPDATE settings SET version = version + 1, value = $2::jsonb WHERE key = $1 AND version = $3', [key, json(value), expectedVersion]);
          }
          if (!r.rowCount) throw new ConflictError('version', 'settings', key, (await query('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value);
        },
      },
    };
  }

  // --- transactions -------------------------------------------------------------------------------
  const context = new AsyncLocalStorage<Tx>();
  const liveTx = (): Tx | undefined => {
    const tx = context.getStore();
    return tx?.live ? tx : undefined;
  };
  const poolQuery: Query = async (text, values) => {
    try {
      return await pool.query(text, values);
    } catch (err) {
      lastError = err;
      throw err;
    }
  };

  async function transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const running = liveTx();
    if (running) return savepoint(running, fn);
    if (closed) throw new Error('The store is closed');
    const client = await pool.connect();
    // BEGIN is sent with the first statement that writes or locks: a transaction that only reads
    // (most turns' bookkeeping) costs no BEGIN and COMMIT round trips. Under READ COMMITTED each
    // statement sees what was committed when it started, inside a transaction or not, so a read
    // before BEGIN sees the same as one after it; versions guard what was read.
    let begun: Promise<unknown> | undefined;
    const ended = () => new Error('The transaction has ended');
    // One statement at a time on the connection, in the order issued (pg 9 will refuse a query sent
    // while another runs; several repository calls of one transaction may be under way together).
    let last: Promise<unknown> = Promise.resolve();
    const inTurn = <T>(send: () => Promise<T>): Promise<T> => {
      const next = last.then(send, send);
      last = next.catch(() => undefined);
      return next;
    };
    const tx: Tx = {
      live: true,
      // Never on a connection handed back to the pool: a straggler after the end gets an error.
      query: (text, values) =>
        inTurn(async () => {
          if (!tx.live) throw ended();
          if (!begun && !plainRead(text)) begun = client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
          if (begun) await begun;
          return client.query(text, values);
        }),
      bases: new Map(),
      after: [],
      repos: undefined as unknown as Repositories,
      savepoints: 0,
    };
    tx.repos = repositories(tx, tx.query);
    let result: T;
    try {
      result = await context.run(tx, () => fn(tx.repos));
      // An error caught inside leaves PostgreSQL's transaction aborted, and COMMIT then rolls back
      // without raising: that must not pass for success.
      if (begun) {
        const committed = await inTurn(() => client.query('COMMIT'));
        if (committed.command === 'ROLLBACK') throw new Error('The database rolled the transaction back (an error inside it was caught and ignored)');
      }
    } catch (err) {
      tx.live = false;
      if (begun) await inTurn(() => client.query('ROLLBACK')).catch(() => undefined);
      await last;
      client.release();
      throw uniqueViolation(err) ?? err;
    }
    tx.live = false;
    // Nothing of this transaction still on the connection when it goes back to the pool.
    await last;
    client.release();
    lastError = undefined;
    runAfterCommit(tx.after, context);
    return result;
  }

  /** A transaction inside a transaction: a savepoint, so an error in it undoes only its own changes. */
  async function savepoint<T>(tx: Tx, fn: (tx: Repositories) => Promise<T>): Promise<T> {
    const name = `s${++tx.savepoints}`;
    const bases = new Map(tx.bases);
    const after = tx.after.length;
    await tx.query(`SAVEPOINT ${name}`);
    try {
      const result = await fn(tx.repos);
      await tx.query(`RELEASE SAVEPOINT ${name}`);
      return result;
    } catch (err) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${name}`);
      tx.bases.clear();
      for (const [k, v] of bases) tx.bases.set(k, v);
      tx.after.length = after;
      throw err;
    }
  }

  const readView = repositories(undefined, poolQuery);
  const joined = joinedRepositories(readView, () => liveTx()?.repos, transaction);
  const VERSIONED_TABLES = new Set(['staff', 'screenings', 'referrals', 'visits', 'attachments', 'coordinations']);

  return {
    pool,
    /**
     * Moving data in (npm run store:copy): give a copied record the version it had, in the transaction
     * under way, so cards and idempotency keys that carry versions go on meaning the same.
     */
    async restoreVersion(table: string, id: string, version: number) {
      if (!VERSIONED_TABLES.has(table) || !Number.isInteger(version) || version < 0) throw new Error(`restoreVersion: ${table} ${version}`);
      const running = liveTx();
      if (!running) throw new Error('restoreVersion runs inside a transaction');
      await running.query(`UPDATE ${table} SET version = $2 WHERE ${table === 'staff' ? 'key' : 'id'} = $1`, [id, version]);
    },
    ...joined,
    leases: {
      // Statements of their own (no transaction to hold open). A row is taken if it is free, ran
      // out, or is the holder's already, and nobody else has it reserved. Every statement locks its
      // rows in key order (the INSERT by its ORDER BY, the UPDATEs through a CTE that locks them
      // ORDER BY key), so two instances never wait on each other in a circle: an UPDATE … WHERE key =
      // ANY(…) alone locks rows in the order it finds them, and against an INSERT taking the same two
      // keys in key order that deadlocked (PostgreSQL aborted one of them, and with it a turn).
      // A refused holder gives back what it took and reserves the first key, so the next to take it
      // is the one that waited, not a newcomer.
      async acquire(keys, holder, now, until, reserveUntil) {
        const wanted = [...new Set(keys)].sort();
        const at = now.toISOString();
        try {
          const taken = await poolQuery(
            `INSERT INTO leases (key, holder, until) SELECT key, $2, $4 FROM unnest($1::text[]) AS w(key) ORDER BY key
             ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until, wanted_by = NULL, wanted_until = NULL
             WHERE (leases.until <= $3 OR leases.holder = EXCLUDED.holder)
               AND (leases.wanted_by IS NULL OR leases.wanted_by = EXCLUDED.holder OR leases.wanted_until <= $3)
             RETURNING key`,
            [wanted, holder, at, until.toISOString()],
          );
          if (taken.rowCount === wanted.length) return true;
          // Only the first key is reserved: reservations on one key each can never wait on each other in a circle.
          await poolQuery(
            `WITH mine AS (SELECT key FROM leases WHERE key = ANY($1::text[]) ORDER BY key FOR UPDATE)
             UPDATE leases SET holder = CASE WHEN leases.holder = $2 THEN '' ELSE leases.holder END, until = CASE WHEN leases.holder = $2 THEN '' ELSE leases.until END,
               wanted_by = CASE WHEN leases.key = $4 THEN $2 ELSE leases.wanted_by END, wanted_until = CASE WHEN leases.key = $4 THEN $5 ELSE leases.wanted_until END
             FROM mine WHERE leases.key = mine.key
               AND (leases.holder = $2 OR (leases.key = $4 AND (leases.wanted_by IS NULL OR leases.wanted_by = $2 OR leases.wanted_until <= $3)))`,
            [wanted, holder, at, reserveUntil ? wanted[0] : null, reserveUntil?.toISOString() ?? null],
          );
          return false;
        } catch (err) {
          // Should a deadlock still happen (another statement on these rows), the one PostgreSQL chose
          // is refused this time and tries again at its next poll, like any refused holder; what it
          // may have taken runs out with its short reservation or is given back on the next try.
          if ((err as { code?: string }).code === '40P01') return false;
          throw err;
        }
      },
      async renew(keys, holder, until) {
        const wanted = [...new Set(keys)];
        const r = await poolQuery(
          `WITH mine AS (SELECT key FROM leases WHERE key = ANY($1::text[]) AND holder = $2 ORDER BY key FOR UPDATE)
           UPDATE leases SET until = $3 FROM mine WHERE leases.key = mine.key AND leases.holder = $2`,
          [wanted, holder, until.toISOString()],
        );
        return r.rowCount === wanted.length;
      },
      async release(keys, holder) {
        // Free, not gone: a reservation on it stays.
        await poolQuery(
          `WITH mine AS (SELECT key FROM leases WHERE key = ANY($1::text[]) AND holder = $2 ORDER BY key FOR UPDATE)
           UPDATE leases SET holder = '', until = '' FROM mine WHERE leases.key = mine.key AND leases.holder = $2`,
          [[...new Set(keys)], holder],
        );
      },
    },
    transaction,
    afterCommit: (fn) => afterCommitOf(liveTx(), fn),
    // Deleted rows leave the tables at once for every reader; their space is the server's autovacuum's.
    forgetDeleted: async () => undefined,
    // Dates inside the documents compare as plain text (ISO), byte by byte: COLLATE "C" (indexed).
    // A batch at a time, each its own statement: years of entries never make one statement outlast its timeout.
    async pruneAuditLog(before) {
      let total = 0;
      for (;;) {
        const n = (await poolQuery(`DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE (doc->>'at') COLLATE "C" < $1 LIMIT 10000)`, [before])).rowCount ?? 0;
        total += n;
        if (n < 10000) return total;
      }
    },
    status: () => (closed ? { status: 'error', detail: 'the store is closed' } : lastError ? { status: 'error', detail: 'the database did not answer' } : { status: 'ok' }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/**
 * A statement that only reads and takes no lock: it needs no transaction around it. Anything else
 * (a row lock, an advisory lock, a sequence, a setting, SELECT … INTO) begins the transaction.
 */
function plainRead(text: string): boolean {
  return /^\s*SELECT\b/i.test(text) && !/\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|advisory|nextval|setval|set_config|pg_notify|\bINTO\b/i.test(text);
}

/** A unique index refused a row (two writers at once): the same error as the embedded store's. Never the row's values (a CPR number). */
function uniqueViolation(err: unknown): ConflictError | undefined {
  const e = err as { code?: string; table?: string; constraint?: string };
  // Two transactions waiting on each other, or a serialization failure: someone else's change won.
  if (e?.code === '40P01' || e?.code === '40001') return new ConflictError('version', e.table ?? 'unknown', 'deadlock');
  if (e?.code !== '23505') return undefined;
  return new ConflictError('unique', e.table ?? 'unknown', e.constraint ?? 'unique');
}
