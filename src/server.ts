// HTTP: POST /api/messages (the Bot Connector's calls), GET /healthz, and a graceful stop that
// lets turns in flight finish before the store closes.
import restify from 'restify';
import { z } from 'zod';
import type { Logger } from './log.js';

export interface MessageHandler {
  handleRequest(req: unknown, res: restify.Response): Promise<void>;
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

/**
 * The least an activity must have for the bot to act on it. botbuilder parses the rest; this
 * turns a malformed body into a clear 400 instead of an exception deep in the adapter.
 */
const ActivityBody = z
  .object({
    type: z.string().min(1),
    channelId: z.string().min(1),
    serviceUrl: z.string().url(),
    conversation: z.object({ id: z.string().min(1) }).passthrough(),
    from: z.object({ id: z.string().min(1) }).passthrough(),
    recipient: z.object({ id: z.string().min(1) }).passthrough().optional(),
    id: z.string().optional(),
    text: z.string().optional(),
    locale: z.string().optional(),
    entities: z.array(z.object({ type: z.string() }).passthrough()).optional(),
  })
  .passthrough();

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { log } = options;
  const server = restify.createServer({ name: 'aktiv-assistent', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: options.maxBodyBytes, mapParams: false, mapFiles: false, rejectUnknown: true }));

  let inFlight = 0;
  let stopping = false;
  let idle: (() => void) | undefined;

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (stopping) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'stopping', message: 'The bot is restarting; the Bot Connector will retry.' });
      return;
    }
    const body = ActivityBody.safeParse(req.body);
    if (!body.success) {
      const where = body.error.issues.map((i) => i.path.join('.') || '(body)').join(', ');
      res.send(400, { error: 'bad_request', message: `Not a Bot Framework activity: check ${where}` });
      return;
    }
    inFlight++;
    try {
      await options.bot.handleRequest(req, res);
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
      await closed;
    },
  };
}
