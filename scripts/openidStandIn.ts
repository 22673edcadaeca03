// A stand-in for Microsoft's Bot Framework OpenID metadata and signing keys, so JWT validation is
// tested offline: tokens signed with its key pass, anything else fails as it would in Azure.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface OpenIdStandIn {
  metadataUrl: string;
  /** A token as the Bot Connector would send it; override claims or sign with a foreign key. */
  token(claims: { aud: string; serviceUrl: string } & Record<string, unknown>, options?: { key?: KeyObject; kid?: string; expiresInSeconds?: number }): string;
  /** A key the stand-in does not publish: what a forger would sign with. */
  foreignKey: KeyObject;
  close(): Promise<void>;
}

export async function startOpenIdStandIn(): Promise<OpenIdStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const foreign = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-${randomUUID()}`;
  const jwk = publicKey.export({ format: 'jwk' }) as { n: string; e: string };

  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/v1/.well-known/keys') {
      res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid, n: jwk.n, e: jwk.e, endorsements: ['msteams'] }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    metadataUrl: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration`,
    foreignKey: foreign.privateKey,
    token({ aud, serviceUrl, ...rest }, options = {}) {
      return jwt.sign({ serviceurl: serviceUrl, ...rest }, options.key ?? privateKey, {
        algorithm: 'RS256',
        keyid: options.kid ?? kid,
        issuer: 'https://api.botframework.com',
        audience: aud,
        expiresIn: options.expiresInSeconds ?? 3600,
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
