export {
  Sandbox,
  type SandboxOptions,
  type SandboxReady,
  type SandboxGatewayInfo,
} from './sandbox/Sandbox.ts';
export type { ExtraEnvironment, ExtraNode, ExtraUser } from './sandbox/tenants.ts';
export { createPlatformApi, type PlatformApiOptions } from './api/PlatformApi.ts';
export * from './store/index.ts';
