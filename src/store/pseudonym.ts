// The register of former citizens: once a citizen's record is gone (erased on request, or deleted by
// retention), the access log still holds who looked at them, under the internal id. A citizen who
// then asks who looked must be found by CPR number, so the store keeps the id under a keyed
// pseudonym of the number (HMAC-SHA256), never the number itself. The key (CPR_PSEUDONYM_KEY) lives
// outside the store, in the app's settings or Key Vault: a copy of the store alone cannot tell which
// number a pseudonym is of (with the birth date known, 10,000 numbers are left to try, and each try
// needs the key). Without a key no register is kept.
import { createHmac } from 'node:crypto';

export type CprPseudonymizer = (cpr: string) => string;

export function cprPseudonymizer(key: string | undefined): CprPseudonymizer | undefined {
  if (!key) return undefined;
  return (cpr) => createHmac('sha256', key).update(`aktiv-assistent:cpr:${cpr}`).digest('base64url');
}
