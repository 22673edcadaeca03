// A loopback load balancer in front of several bot instances, as App Service's front end is: each
// request goes to the next instance in turn. An instance that refuses the connection (it died) is
// skipped for the next one, as a health-checked balancer would; a request an instance took and then
// died on is answered 502, as Azure's front end does.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobin {
  url: string;
  /** Requests each instance answered (by index). */
  served: number[];
  close(): Promise<void>;
}

export async function startRoundRobin(backends: () => string[]): Promise<RoundRobin> {
  let next = 0;
  const served: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const targets = backends();
      const first = next++ % targets.length;
      for (let i = 0; i < targets.length; i++) {
        const at = (first + i) % targets.length;
        try {
          const answer = await fetch(`${targets[at]}${req.url}`, {
            method: req.method,
            headers: Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>,
            body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
          });
          served[at] = (served[at] ?? 0) + 1;
          res.writeHead(answer.status, { 'Content-Type': answer.headers.get('content-type') ?? 'application/octet-stream' });
          res.end(Buffer.from(await answer.arrayBuffer()));
          return;
        } catch (err) {
          // Refused: the instance is gone, try the next. Anything else: it took the request and died.
          if ((err as { cause?: { code?: string } }).cause?.code !== 'ECONNREFUSED') break;
        }
      }
      res.writeHead(502).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
