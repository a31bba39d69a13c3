export {
  Sandbox,
  type SandboxOptions,
  type SandboxReady,
  type SandboxGatewayInfo,
} from './sandbox/Sandbox.ts';
export {
  startStandaloneGateway,
  type StandaloneGatewayOptions,
  type StandaloneGatewayReady,
} from './sandbox/standaloneGateway.ts';
export type { ExtraEnvironment, ExtraNode, ExtraUser } from './sandbox/tenants.ts';
export { createPlatformApi, type PlatformApiOptions } from './api/PlatformApi.ts';
export * from './store/index.ts';
