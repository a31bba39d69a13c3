export {
  Sandbox,
  SANDBOX_ENVIRONMENT_CHANGE_MS,
  type SandboxOptions,
  type SandboxReady,
  type SandboxGatewayInfo,
  type SandboxReadyDatabase,
  type SandboxReadyToken,
  type SandboxReadyUser,
} from './sandbox/Sandbox.ts';
export type { KeyApi } from './api/routes/sshKeys.ts';
export {
  startStandaloneGateway,
  type StandaloneGatewayOptions,
  type StandaloneGatewayReady,
} from './sandbox/standaloneGateway.ts';
export type { ExtraEnvironment, ExtraNode, ExtraUser } from './sandbox/tenants.ts';
export { GATEWAY_NODE_FLAGS } from './nodeFlags.ts';
export { createPlatformApi, type PlatformApiOptions } from './api/PlatformApi.ts';
export * from './store/index.ts';
