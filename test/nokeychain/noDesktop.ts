import type { SandboxReady } from '@enscale-ssh/gateway';
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WEB_HOST = join(ROOT, 'electron', 'webhost', 'main.ts');

/**
 * A machine with no desktop session — a fresh server, a container, CI — as the tests here see it:
 * no session bus, no display, and a runtime folder with no bus in it (GDBus would find one at
 * `$XDG_RUNTIME_DIR/bus`), so no keychain can be reached or started. The temporary folder is the
 * test's own, to look at afterwards; tsx would cache its compiled code there, so it must not.
 */
export function noDesktopEnv(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const runtime = join(root, 'runtime');
  const temp = join(root, 'tmp');
  mkdirSync(runtime, { recursive: true, mode: 0o700 });
  mkdirSync(temp, { recursive: true });
  // What scripts/with-keyring.sh and a desktop session would have set.
  const desktop = new Set([
    'DBUS_SESSION_BUS_ADDRESS',
    'DISPLAY',
    'WAYLAND_DISPLAY',
    'GNOME_KEYRING_CONTROL',
    'SSH_AUTH_SOCK',
    'ENSCALE_WITH_KEYRING',
    'ENSCALE_KEYRING_DIR',
    'ENSCALE_SSH_KEYCHAIN_SERVICE',
  ]);
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !desktop.has(name)),
  );
  Object.assign(env, { XDG_RUNTIME_DIR: runtime, TMPDIR: temp, TSX_DISABLE_CACHE: '1' }, extra);
  return env;
}

/** The temporary folder of `noDesktopEnv(root)`. */
export const tempDirOf = (root: string): string => join(root, 'tmp');

/**
 * Fails (never skips) when a program these tests drive is missing, naming what to install: in CI a
 * skipped test would prove nothing.
 */
export function requirePrograms(programs: readonly (readonly [name: string, debianPackage: string])[]): void {
  const dirs = (process.env.PATH ?? '').split(delimiter);
  const missing = programs.filter(([name]) => !dirs.some((dir) => executable(join(dir, name))));
  if (missing.length > 0)
    throw new Error(
      `Missing programs: ${missing.map(([name]) => name).join(', ')}. Install them with ` +
        `bash scripts/install-system-deps.sh (Debian packages: ${missing.map(([, pkg]) => pkg).join(' ')}).`,
    );
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The files under `root` that hold any of `secrets`, a private key in the clear, or something shaped
 * like a platform session (64 hex digits): none may, after a run that kept its secrets in memory.
 */
export function filesWithSecrets(root: string, secrets: readonly string[]): string[] {
  return filesUnder(root).filter((file) => {
    const text = readFileSync(file).toString('latin1');
    return (
      /PRIVATE KEY|PuTTY-User-Key-File/.test(text) ||
      /[0-9a-f]{64}/.test(text) ||
      secrets.some((secret) => secret.length > 0 && text.includes(secret))
    );
  });
}

export const occurrences = (text: string, part: string): number => text.split(part).length - 1;

export interface Host {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/?token=…` */
  url: string;
  /** The sandbox's ready object, or null without `--sandbox`. */
  sandbox: SandboxReady | null;
  /** What the host has written to stderr, its log, so far. */
  stderr(): string;
  /** SIGTERM; resolves with the exit status. */
  stop(): Promise<number | null>;
}

/** The browser host's program, as `npm run start:web -- --json …` runs it, in `env`. */
export function startHost(args: string[], env: NodeJS.ProcessEnv): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', WEB_HOST, '--json', ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    void exited.then((code) =>
      reject(new Error(`The web host exited (${code}) before it was ready: ${stderr}`)),
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      const ready = JSON.parse(stdout.slice(0, newline)) as { url: string; sandbox: SandboxReady | null };
      resolve({
        child,
        url: ready.url,
        sandbox: ready.sandbox,
        stderr: () => stderr,
        stop: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      });
    });
  });
}
