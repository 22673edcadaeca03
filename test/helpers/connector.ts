// A local stand-in for the Bot Connector service (the Teams side of the REST API), modelled on the
// real paths and error bodies, so HTTP tests capture what the bot sends and can make it fail.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { recordCardsIn, recordPreviewIn } from './cardRecorder.js';

export interface ConnectorCall {
  method: string;
  path: string;
  conversationId?: string;
  activityId?: string;
  headers: IncomingMessage['headers'];
  body: any;
  /** The body as bytes (an upload's file, byte order mark and all). */
  raw: Buffer;
  /** When the call arrived (ISO). */
  at: string;
  /**
   * What the stand-in did with it: 'accepted' (2xx: in Teams the activity would show), 'lost'
   * (accepted, but the answer never reached the bot), 'refused' (a programmed failure), or
   * undefined while it is held.
   */
  outcome?: 'accepted' | 'lost' | 'refused';
}

export interface ProgrammedFailure {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Error bodies as the Bot Connector sends them. */
export const failures = {
  notInRoster: (): ProgrammedFailure => ({
    status: 403,
    body: { error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } },
  }),
  notFound: (): ProgrammedFailure => ({ status: 404, body: { error: { code: 'ConversationNotFound', message: 'Conversation not found.' } } }),
  throttled: (retryAfterSeconds: number): ProgrammedFailure => ({
    status: 429,
    headers: { 'Retry-After': String(retryAfterSeconds) },
    body: { error: { code: 'Throttled', message: 'Too many requests.' } },
  }),
  serverError: (status = 500): ProgrammedFailure => ({ status, body: { error: { code: 'ServiceError', message: 'Internal error.' } } }),
};

export interface Connector {
  url: string;
  calls: ConnectorCall[];
  /** Activities the bot sent (posted or replied), in order. */
  sent(): any[];
  /** The next `count` calls matching `match` answer with `failure` instead of success. */
  failNext(match: (call: ConnectorCall) => boolean, failure: ProgrammedFailure, count?: number): void;
  /** The members GET .../pagedmembers answers with (a team's or group chat's roster). */
  setRoster(members: { id: string; name: string; aadObjectId: string }[]): void;
  /** The next call matching `match` waits until the returned function is called. */
  hold(match: (call: ConnectorCall) => boolean): () => void;
  /** The next `count` calls matching `match` are accepted, but the connection is cut before the answer. */
  loseAnswer(match: (call: ConnectorCall) => boolean, count?: number): void;
  waitFor(predicate: (calls: ConnectorCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startConnector(): Promise<Connector> {
  const calls: ConnectorCall[] = [];
  const holds: { match: (c: ConnectorCall) => boolean; gate: Promise<void>; used: boolean }[] = [];
  const programmed: { match: (c: ConnectorCall) => boolean; failure: ProgrammedFailure; left: number }[] = [];
  const losses: { match: (c: ConnectorCall) => boolean; left: number }[] = [];
  let nextId = 1;
  let roster: unknown[] = [];

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const raw = bytes.toString('utf8');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/_connector/, '');
    const m = /^\/v3\/conversations(?:\/([^/]+)(?:\/activities(?:\/([^/]+))?)?)?\/?$/.exec(path);
    const call: ConnectorCall = {
      method: req.method ?? 'GET',
      path,
      conversationId: m?.[1] ? decodeURIComponent(m[1]) : undefined,
      activityId: m?.[2] ? decodeURIComponent(m[2]) : undefined,
      headers: req.headers,
      body,
      raw: bytes,
      at: new Date().toISOString(),
    };
    calls.push(call);
    if (body && typeof body === 'object') recordCardsIn(`connector ${req.method} ${path}`, body);
    if (body && typeof body === 'object') recordPreviewIn(`connector ${req.method} ${path}`, body);

    const reply = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
      call.outcome = status < 300 ? 'accepted' : 'refused';
      const loss = status < 300 ? losses.find((x) => x.left > 0 && x.match(call)) : undefined;
      if (loss) {
        // Done on the Teams side; the answer dies with the connection.
        loss.left--;
        call.outcome = 'lost';
        req.socket.destroy();
        return;
      }
      if (res.destroyed || req.socket.destroyed) return; // the bot gave up waiting (a held call)
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const h = holds.find((x) => !x.used && x.match(call));
    if (h) {
      h.used = true;
      await h.gate;
    }
    const p = programmed.find((x) => x.left > 0 && x.match(call));
    if (p) {
      p.left--;
      return reply(p.failure.status, p.failure.body, p.failure.headers);
    }
    const members = /^\/v3\/conversations\/([^/]+)\/pagedmembers$/.exec(path);
    if (members && req.method === 'GET') return reply(200, { members: roster, continuationToken: undefined });
    // A stand-in for the OneDrive upload URL Teams gives with an accepted file consent card.
    if (req.method === 'PUT' && path.startsWith('/upload/')) return reply(201, { id: 'uploaded' });
    if (!m) return reply(404, { error: { code: 'NotFound', message: `No route ${path}` } });
    if (req.method === 'POST' && !m[1]) {
      // Create conversation (a 1:1 chat with a user who has the app).
      const id = `a:created-${nextId++}`;
      return reply(201, { id, activityId: body?.activity ? `act-${nextId++}` : undefined, serviceUrl: undefined });
    }
    if ((req.method === 'POST' || req.method === 'PUT') && m[1]) {
      const id = req.method === 'PUT' && m[2] ? m[2] : `act-${nextId++}`;
      return reply(200, { id });
    }
    if (req.method === 'DELETE') return reply(200, {});
    return reply(405, { error: { code: 'MethodNotAllowed', message: req.method } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const connector: Connector = {
    url: `http://127.0.0.1:${port}/`,
    calls,
    sent: () =>
      calls
        .filter((c) => c.conversationId && (c.method === 'POST' || c.method === 'PUT') && c.body && typeof c.body === 'object' && 'type' in c.body)
        .map((c) => c.body),
    failNext(match, failure, count = 1) {
      programmed.push({ match, failure, left: count });
    },
    setRoster(members) {
      roster = members;
    },
    loseAnswer(match, count = 1) {
      losses.push({ match, left: count });
    },
    hold(match) {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      holds.push({ match, gate, used: false });
      return release;
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > until) throw new Error(`Connector stand-in: condition not met within ${timeoutMs} ms; calls: ${calls.map((c) => `${c.method} ${c.path}`).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return connector;
}
