export { KeyVault, RSA_SIZES } from './KeyVault.ts';
export type {
  ExportRequest,
  GenerateRequest,
  ImportRequest,
  KeyInfo,
  KeyVaultOptions,
  RsaBits,
} from './KeyVault.ts';
export * from './errors.ts';
export { CappedSecretStore, KeytarSecretStore, osSecretStore, WINDOWS_SECRET_CAP } from './secretStore.ts';
export type { SecretStore } from './secretStore.ts';
export type { Fingerprints, SshKeyType } from './sshKey.ts';
