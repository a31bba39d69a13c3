import { createHash } from 'node:crypto';
import type { ProcessRunner } from '../system/processRunner.ts';

/*
 * Pageant (PuTTY's agent) since PuTTY 0.75 also listens on a named pipe, and PuTTY, Plink, PSFTP and
 * WinSCP look for that pipe before they try Pageant's window. Its name is per user and hidden from
 * other users: `\\.\pipe\pageant.<user>.<hex SHA-256 of a length-prefixed, CryptProtectMemory'd
 * "Pageant">` (PuTTY's windows/utils/agent_named_pipe_name.c and cryptoapi.c). Serving that pipe with
 * the same agent protocol lets PuTTY-family tools use the vault's keys. The window-message protocol of
 * older PuTTY (before 0.75) needs a window of our own and is not served.
 */

/** The block CryptProtectMemory protects: "Pageant", its NUL, zero-padded to its 16-byte block size. */
export const PAGEANT_NAME_BLOCK = Buffer.concat([Buffer.from('Pageant\0', 'ascii'), Buffer.alloc(8)]);

/** The pipe's name from the user name and the protected block, as PuTTY derives it. */
export function pageantPipeName(user: string, protectedBlock: Buffer): string {
  // PuTTY's put_string: a big-endian uint32 length, then the bytes.
  const length = Buffer.alloc(4);
  length.writeUInt32BE(protectedBlock.length);
  const digest = createHash('sha256').update(length).update(protectedBlock).digest('hex');
  return `\\\\.\\pipe\\pageant.${user}.${digest}`;
}

/**
 * What Windows PowerShell prints for the name: the user as PuTTY's get_username() finds it (the
 * user part of the principal name on a domain, else the logon name) and the block protected with
 * CRYPTPROTECTMEMORY_CROSS_PROCESS (.NET's ProtectedMemory, MemoryProtectionScope.CrossProcess).
 */
export const PAGEANT_NAME_SCRIPT = [
  'Add-Type -AssemblyName System.Security',
  '$u = whoami /upn 2>$null',
  "if ($LASTEXITCODE -ne 0 -or -not $u) { $u = [Environment]::UserName } else { $u = $u.Split('@')[0] }",
  "$b = [byte[]]::new(16); [Text.Encoding]::ASCII.GetBytes('Pageant').CopyTo($b, 0)",
  '[Security.Cryptography.ProtectedMemory]::Protect($b, [Security.Cryptography.MemoryProtectionScope]::CrossProcess)',
  "$u; ($b | ForEach-Object { $_.ToString('x2') }) -join ''",
].join('; ');

/** Asks Windows for Pageant's pipe name (powershell.exe through `run`, injected in tests). */
export async function windowsPageantPipe(run: ProcessRunner): Promise<string> {
  const result = await run('powershell.exe', [
    '-NoProfile',
    '-NonInteractive',
    '-Command',
    PAGEANT_NAME_SCRIPT,
  ]);
  const [user = '', hex = ''] = result.stdout
    .trim()
    .split(/\r?\n/)
    .map((line) => line.trim());
  if (result.code !== 0 || !user || !/^[0-9a-f]{32}$/.test(hex))
    throw new Error(
      `Could not work out Pageant's pipe name (powershell.exe ${result.code === null ? 'did not start' : `exit status ${result.code}`}` +
        `${result.stderr.trim() ? `: ${result.stderr.trim().split(/\r?\n/)[0]}` : ''}); ` +
        'PuTTY and WinSCP cannot reach the app’s keys, while OpenSSH tools still can.',
    );
  return pageantPipeName(user, Buffer.from(hex, 'hex'));
}
