import { describe, expect, it } from 'vitest';
import {
  PAGEANT_NAME_BLOCK,
  PAGEANT_NAME_SCRIPT,
  pageantPipeName,
  windowsPageantPipe,
} from '../../../electron/core/agent/pageantPipe.ts';
import { listenError } from '../../../electron/core/agent/socketFile.ts';
import type { ProcessRunner } from '../../../electron/core/system/processRunner.ts';

// Windows cannot run here: these runners stand in for powershell.exe only, answering as it would.
const answering = (stdout: string, code = 0, stderr = ''): ProcessRunner & { calls: string[][] } => {
  const calls: string[][] = [];
  const run = (async (file: string, args: readonly string[]) => {
    calls.push([file, ...args]);
    return { code, stdout, stderr };
  }) as ProcessRunner & { calls: string[][] };
  run.calls = calls;
  return run;
};

describe("Pageant's pipe (Windows)", () => {
  it('protects "Pageant" with its NUL in one 16-byte block, as PuTTY does', () => {
    expect(PAGEANT_NAME_BLOCK).toHaveLength(16);
    expect(PAGEANT_NAME_BLOCK.subarray(0, 8).toString('latin1')).toBe('Pageant\0');
    expect(PAGEANT_NAME_BLOCK.subarray(8).every((byte) => byte === 0)).toBe(true);
  });

  it('names the pipe after the user and the SHA-256 of the length-prefixed protected block', () => {
    // The digest computed apart, by Python's hashlib over struct.pack('>I', 16) + the block.
    const block = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(pageantPipeName('alice', block)).toBe(
      '\\\\.\\pipe\\pageant.alice.023b5ab3ee5cdc067469e295d424a05c39d3cbbe46ca481fe16c744b8b9a5242',
    );
  });

  it('asks Windows PowerShell for the user and the cross-process protected block', async () => {
    const run = answering('alice\r\n00112233445566778899aabbccddeeff\r\n');
    expect(await windowsPageantPipe(run)).toBe(
      pageantPipeName('alice', Buffer.from('00112233445566778899aabbccddeeff', 'hex')),
    );
    expect(run.calls[0]?.slice(0, 4)).toEqual([
      'powershell.exe',
      '-NoProfile',
      '-NonInteractive',
      '-Command',
    ]);
    expect(PAGEANT_NAME_SCRIPT).toContain('MemoryProtectionScope]::CrossProcess');
    expect(PAGEANT_NAME_SCRIPT).toContain('whoami /upn');
  });

  it('says what PuTTY users lose when Windows cannot tell the name', async () => {
    await expect(
      windowsPageantPipe(answering('', 1, 'Add-Type : Cannot find assembly\r\nmore')),
    ).rejects.toThrow(
      /Pageant's pipe name \(powershell.exe exit status 1: Add-Type : Cannot find assembly\); PuTTY and WinSCP cannot reach/,
    );
    await expect(windowsPageantPipe(answering('alice\nnot-hex\n'))).rejects.toThrow(/exit status 0/);
  });

  it('names Pageant itself when it already holds the pipe', () => {
    const busy = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    expect(listenError(busy, pageantPipeName('alice', PAGEANT_NAME_BLOCK), 'win32').message).toMatch(
      /Pageant is running and holds its pipe.*Quit Pageant/,
    );
  });
});
