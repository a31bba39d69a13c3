export * from './environment.ts';
export * from './gatewayAddress.ts';
