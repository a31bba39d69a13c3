/*
 * Every reach into ssh2's private fields, for the app (electron/core) and the gateway alike. Each
 * hack checks the fields it uses on the object at hand and otherwise takes ssh2's public path;
 * `checkSsh2Internals` refuses, at start-up, an ssh2 other than the one they were written for.
 * Nothing outside this package names an ssh2 private field (eslint.config.js).
 */
export { SSH2_VERSION, Ssh2InternalsError, installedSsh2Version } from './version.ts';
export { checkSsh2Internals, loadSsh2, ssh2Problems, type Ssh2Insides } from './startupCheck.ts';
export { allocatePacketsFrom, type PacketSource } from './packetAllocator.ts';
export { PacketPool, poolPackets, type PoolPacketsOptions } from './packetPool.ts';
export { enlargeReceiveWindow } from './channelWindow.ts';
export { FramedWrites } from './framedWrites.ts';
export { sftpEofReceived, sftpExtension, sftpRequestLimits } from './sftpChannel.ts';
export { rejectChannelOpenWith } from './channelOpenFailure.ts';
export { finishBareSessionClose } from './bareSession.ts';
export { watchLiveness } from './linkLiveness.ts';
export { hostKeyAlgorithmsFor, isNoMatchingHostKey } from './hostKeyAlgorithms.ts';
