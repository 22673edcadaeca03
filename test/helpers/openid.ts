// The Bot Framework OpenID stand-in: see scripts/openidStandIn.ts (the benchmark uses it too).
export { startOpenIdStandIn, type OpenIdStandIn } from '../../scripts/openidStandIn.js';
