export {
  Sandbox,
  type SandboxOptions,
  type SandboxReady,
  type SandboxGatewayInfo,
} from './sandbox/Sandbox.ts';
export { createPlatformApi, type PlatformApiOptions } from './api/PlatformApi.ts';
export * from './store/index.ts';
