/**
 * The sandbox's nodes are this machine's own OpenSSH servers and MariaDB, started from Debian's
 * packages with Linux-only tools (setpriv, prlimit): on Windows or macOS it would fail half-way with
 * an apt-get hint and paths that do not exist there. One clear line instead, before anything starts.
 * scripts/launch-desktop.mjs, which cannot import TypeScript, says the same.
 */
export const SANDBOX_NEEDS_LINUX =
  'The sandbox needs Linux: connect to a platform instead, or run the sandbox in WSL or a Linux VM.';

export function checkSandboxPlatform(platform: NodeJS.Platform = process.platform): void {
  if (platform !== 'linux') throw new Error(SANDBOX_NEEDS_LINUX);
}
