// Public surface of the registry transport (style.md §1.2 "Transport below the client"): ping, challenge,
// token exchange, redirects, retries and structured errors for one registry host; nothing about images.
export { type Challenge, parseChallenge } from './challenge.ts';
export type { CredentialSource, Credentials } from './credentials.ts';
export { type Diagnostic, RegistryError, redactUrl } from './errors.ts';
export type { RegistryResponse } from './response.ts';
export type { RetryInfo } from './retry.ts';
export { type Endpoint, endpointFor, isLoopback, type Scheme, schemeFor } from './scheme.ts';
export {
  type Method,
  type ReadResponse,
  type RegistryRequest,
  RegistryTransport,
  type TransportOptions,
} from './transport.ts';
