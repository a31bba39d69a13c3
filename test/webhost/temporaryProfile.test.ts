import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { KeytarSecretStore } from '../../electron/core/keys/secretStore.ts';
import { createCoreClient } from '../../shared/src/contract.ts';
import { webSocketChannel } from '../../shared/src/rpc/webSocketChannel.ts';
import { openSocket } from './webHostProcess.ts';

const MAIN = fileURLToPath(new URL('../../electron/webhost/main.ts', import.meta.url));

describe('the browser host without --profile', () => {
  it('works in a temporary profile and leaves neither it nor its keychain entries behind', async () => {
    const service = `enscale-ssh-test-webhost-tmp-${process.pid}`;
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ENSCALE_SSH_KEYCHAIN_SERVICE: service },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    onTestFinished(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const printed = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString('utf8');
        if (text.includes('Ctrl+C stops it.')) resolve(text);
      });
      void exited.then((code) => reject(new Error(`exited ${code} before it was ready`)));
    });
    const url = new URL(/^Enscale SSH in the browser: (\S+)$/m.exec(printed)![1]!);
    const profile = /^Profile (.+) \(temporary: removed on exit\)$/m.exec(printed)![1]!;
    expect(existsSync(profile)).toBe(true);

    const socket = await openSocket(
      `ws://${url.host}/rpc?token=${url.searchParams.get('token')}`,
      url.origin,
    );
    onTestFinished(() => socket.terminate());
    const { core } = createCoreClient(webSocketChannel(socket));
    const key = await core.keys.generate({ name: 'Temporary', bits: 2048 });
    const secrets = new KeytarSecretStore();
    expect(await secrets.get(service, `key:${key.id}`)).not.toBeNull();

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(profile)).toBe(false);
    expect(await secrets.get(service, `key:${key.id}`)).toBeNull();
  });
});
