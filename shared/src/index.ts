export * from './environment.ts';
export * from './errors.ts';
export * from './gatewayAddress.ts';
export * from './rpc/index.ts';
export * from './platform.ts';
export * from './nodeGroups.ts';
export * from './hostKeys.ts';
