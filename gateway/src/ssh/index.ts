/** The SSH gateway's public surface, for the sandbox, the CLI and the benchmark. */
export { GatewayServer, type GatewayAddress, type GatewayServerDeps } from './GatewayServer.ts';
export {
  DEFAULT_GATEWAY_OPTIONS,
  GatewayOptionsError,
  resolveGatewayOptions,
  type GatewayOptions,
} from './GatewayOptions.ts';
export {
  HostKeyError,
  gatewayHostKeyFingerprints,
  loadOrCreateHostKeys,
  type HostKey,
  type HostKeyFingerprints,
  type HostKeySet,
} from './hostKeys.ts';
export {
  JsonLinesAuditLog,
  MemoryAuditLog,
  TeeAuditLog,
  type AuditEvent,
  type AuditSink,
} from './AuditLog.ts';
export { ALLOWED_KEY_TYPES, KeyPolicy, parseKeyTypes, type AllowedKeyType } from './KeyPolicy.ts';
export { formatGatewayUser, parseGatewayUser, type GatewayUser } from './gatewayUser.ts';
export {
  startSandboxGateway,
  type RunningSandboxGateway,
  type SandboxGateway,
  type SandboxGatewaySettings,
} from './sandboxGateway.ts';
