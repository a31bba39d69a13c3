export * from './Emitter.ts';
export * from './protocol.ts';
export { RpcClient } from './RpcClient.ts';
export { expose, RpcHost, type Exposed } from './RpcHost.ts';
export { messagePortChannel, type MessagePortLike } from './messagePortChannel.ts';
export { webSocketChannel, type WebSocketLike } from './webSocketChannel.ts';
