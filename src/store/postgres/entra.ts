// Signing in to Azure Database for PostgreSQL with the bot's managed identity instead of a password:
// the password is an Entra access token for the database service, asked for per new connection (the
// credential caches it and fetches a new one before it expires). The database user in DATABASE_URL is
// the managed identity's name, as created on the server (pgaadauth_create_principal).
import { ManagedIdentityCredential, type TokenCredential } from '@azure/identity';

/** The scope Azure Database for PostgreSQL accepts tokens for. */
export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

export function entraPassword(credential: TokenCredential): () => Promise<string> {
  return async () => {
    const token = await credential.getToken(POSTGRES_ENTRA_SCOPE);
    if (!token?.token) throw new Error('No Entra token for the database: is the managed identity assigned to this App Service?');
    return token.token;
  };
}

/** The bot's user-assigned managed identity (its client id), or the system-assigned one. */
export function managedIdentity(clientId: string | undefined): TokenCredential {
  return clientId ? new ManagedIdentityCredential({ clientId }) : new ManagedIdentityCredential();
}
