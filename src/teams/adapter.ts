// The Bot Framework adapter: JWT validation of every incoming request when the bot has credentials.
import { TeamsAdapter } from '@microsoft/teams-ai';
import type { Config } from '../config.js';

export function createAdapter(config: Config): TeamsAdapter {
  const c = config.credentials;
  if (!c) return new TeamsAdapter({}); // local mode: the Agents Playground sends no token
  const auth: Record<string, string> = {
    MicrosoftAppId: c.appId,
    MicrosoftAppType: c.type,
  };
  if (c.password) auth.MicrosoftAppPassword = c.password;
  if (c.tenantId) auth.MicrosoftAppTenantId = c.tenantId;
  if (config.openIdMetadataUrl) {
    // Sovereign clouds, and the offline tests' stand-in for Microsoft's signing keys.
    auth.ToBotFromChannelOpenIdMetadataUrl = config.openIdMetadataUrl;
    auth.ToBotFromEmulatorOpenIdMetadataUrl = config.openIdMetadataUrl;
  }
  return new TeamsAdapter(auth);
}
