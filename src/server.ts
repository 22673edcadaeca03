// HTTP: POST /api/messages (the Bot Connector's calls), GET /healthz, and a graceful stop that
// lets turns in flight finish before the store closes.
import restify from 'restify';
import { ActivityBody, normaliseActivity, problemsOf } from './http/activity.js';
import { readJsonBody } from './http/body.js';
import type { Logger } from './log.js';

/** The bot behind the endpoint: one checked activity and its Authorization header in, an HTTP answer out. */
export interface MessageHandler {
  handle(activity: ActivityBody, authorization: string): Promise<{ status: number; body?: unknown }>;
}

export interface Health {
  version: string;
  store(): { status: 'ok' | 'error'; detail?: string };
}

export interface ServerOptions {
  port: number;
  host: string;
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
  /** Teams mode: a request without a bearer token is refused before its body is read. */
  requireBearer: boolean;
  bot: MessageHandler;
  health: Health;
  log: Logger;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Stop taking requests, wait for those in flight (up to the timeout), then resolve. */
  stop(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { log } = options;
  const server = restify.createServer({ name: 'aktiv-assistent', handleUncaughtExceptions: false });
  // restify takes every Upgrade request's socket and never answers or closes it (a socket held for
  // good, and a stop that never ends): without a listener, Node answers it as a plain request.
  server.server.removeAllListeners('upgrade');
  // Routing parses "http://" + Host + URL before any handler: a Host like "[" threw outside every
  // handler and ended the process. Checked first, answered 400.
  // server.first() is restify's hook that runs before routing (missing from @types/restify 8).
  (server as unknown as { first(handler: (req: restify.Request, res: restify.Response) => boolean): void }).first((req, res) => {
    try {
      req.getUrl();
      return true;
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json', Connection: 'close' });
      res.end(JSON.stringify({ error: 'bad_request', message: 'The request line or Host header is not a URL.' }));
      return false;
    }
  });
  // No body parser plugin: restify's gunzips before any check and throws on a broken stream. The
  // body is read below, by readJsonBody, after the request has been looked at.

  let inFlight = 0;
  let stopping = false;
  let idle: (() => void) | undefined;

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (stopping) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'stopping', message: 'The bot is restarting; the Bot Connector will retry.' });
      return;
    }
    const authorization = req.headers.authorization;
    if (options.requireBearer && !(typeof authorization === 'string' && /^Bearer \S+$/i.test(authorization))) {
      log.warn('request refused: token', { status: 401, reason: 'no bearer token' });
      res.header('Connection', 'close');
      res.send(401, { error: 'unauthorized' });
      return;
    }
    inFlight++;
    try {
      const read = await readJsonBody(req, options.maxBodyBytes);
      if (!read.ok) {
        log.info('request refused', { status: read.status, reason: read.error });
        res.header('Connection', 'close'); // the rest of a refused body is not read
        res.send(read.status, { error: read.error, message: read.message });
        return;
      }
      const body = ActivityBody.safeParse(read.value);
      if (!body.success) {
        const where = problemsOf(body.error);
        log.info('request refused', { status: 400, reason: 'not_an_activity', where });
        res.send(400, { error: 'bad_request', message: `Not a Bot Framework activity: check ${where}` });
        return;
      }
      const answer = await options.bot.handle(normaliseActivity(body.data), typeof authorization === 'string' ? authorization : '');
      if (answer.body === undefined) res.send(answer.status);
      else res.send(answer.status, answer.body);
    } catch (err) {
      log.error('request failed', { err });
      if (!res.headersSent) res.send(500, { error: 'internal_error' });
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  });

  server.get('/healthz', async (_req: restify.Request, res: restify.Response) => {
    const store = options.health.store();
    const ok = store.status === 'ok' && !stopping;
    res.send(ok ? 200 : 503, { status: ok ? 'ok' : stopping ? 'stopping' : 'degraded', version: options.health.version, store });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = address.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host === '0.0.0.0' ? '127.0.0.1' : options.host;

  return {
    url: `http://${host}:${port}`,
    port,
    async stop() {
      if (stopping) return;
      stopping = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) {
        log.info('waiting for turns in flight', { inFlight });
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => setTimeout(resolve, options.shutdownTimeoutMs).unref()),
        ]);
      }
      // Keep-alive connections would hold close() open; in-flight work is done, so drop them.
      server.server.closeIdleConnections?.();
      server.server.closeAllConnections?.();
      // A connection that will not close must not keep the store from being flushed.
      await Promise.race([closed, new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}
