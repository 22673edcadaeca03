// The Bot Framework adapter: JWT validation of every incoming request when the bot has credentials.
import { TeamsAdapter } from '@microsoft/teams-ai';
import { CallerIdConstants } from 'botbuilder';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  ClaimsIdentity,
  type AuthenticateRequestResult,
  type BotFrameworkAuthentication,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import type { Config } from '../config.js';

/**
 * `credentialsFactory` replaces the token source for outgoing calls; only the offline tests use it,
 * since Entra ID cannot be reached from them. Incoming validation is never replaced.
 */
export function createAdapter(config: Config, credentialsFactory?: ServiceClientCredentialsFactory): TeamsAdapter {
  const c = config.credentials;
  if (!c) return new TeamsAdapter({}); // local mode: the Agents Playground sends no token
  const auth: Record<string, string> = {
    MicrosoftAppId: c.appId,
    MicrosoftAppType: c.type,
  };
  if (c.password) auth.MicrosoftAppPassword = c.password;
  if (c.tenantId) auth.MicrosoftAppTenantId = c.tenantId;
  if (config.openIdMetadataUrl) {
    // Another source of signing keys (the offline tests' stand-in for Microsoft's). botbuilder treats
    // any such setting as a custom cloud and then wants every endpoint, so the rest stay public cloud.
    Object.assign(auth, {
      ToBotFromChannelOpenIdMetadataUrl: config.openIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: config.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
    });
  }
  const adapter = new TeamsAdapter(auth, credentialsFactory);
  answerBadSignaturesWith401(adapter);
  return adapter;
}

/**
 * botframework-connector lets jsonwebtoken's own errors (a forged signature, a token not yet
 * valid) escape as plain errors, which CloudAdapter answers with 500. A bad token is the caller's
 * fault: make it the AuthenticationError (401) it is.
 */
function answerBadSignaturesWith401(adapter: TeamsAdapter): void {
  const auth = authOf(adapter);
  const authenticateRequest = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    try {
      return await authenticateRequest(activity, authHeader);
    } catch (err) {
      const name = (err as Error | undefined)?.name;
      if (name === 'JsonWebTokenError' || name === 'NotBeforeError' || name === 'TokenExpiredError') {
        throw new AuthenticationError(`Unauthorized: ${(err as Error).message}`, 401);
      }
      throw err;
    }
  };
}

/** Check the request's token (in local mode the adapter has no credentials and lets every request in). */
export function authenticate(adapter: TeamsAdapter, activity: Activity, authorization: string): Promise<AuthenticateRequestResult> {
  return authOf(adapter).authenticateRequest(activity, authorization);
}

/**
 * Run the turn for an authenticated request and return the invoke response, if any. This is what
 * CloudAdapter.process does after its own checks, without its console.error of every failure
 * (outside our logger and its CPR scrubber): the edge has already read and checked the body.
 */
export function processAuthenticated(adapter: TeamsAdapter, auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
  return (adapter as unknown as { processActivity(a: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> }).processActivity(auth, activity, logic);
}

const authOf = (adapter: TeamsAdapter) => (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication }).botFrameworkAuthentication;

/**
 * A Bot Connector client for proactive calls, outside any turn. Its own retry policy is removed:
 * it would wait out 429s and retry 5xx inside one call, out of the outbox's sight; the outbox
 * retries durably instead (across restarts), honouring Retry-After.
 */
export async function proactiveClient(adapter: TeamsAdapter, botAppId: string, serviceUrl: string): Promise<ConnectorClient> {
  const claims = new ClaimsIdentity([
    { type: AuthenticationConstants.AudienceClaim, value: botAppId },
    { type: AuthenticationConstants.AppIdClaim, value: botAppId },
  ]);
  const client = await authOf(adapter).createConnectorFactory(claims).create(serviceUrl, AuthenticationConstants.ToChannelFromBotOAuthScope);
  (client as unknown as { client?: { pipeline?: { removePolicy(o: { phase: string }): unknown } } }).client?.pipeline?.removePolicy({ phase: 'Retry' });
  return client;
}
