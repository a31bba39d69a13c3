import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { posix } from 'node:path';
import { Client, Server, utils, type SFTPWrapper } from 'ssh2';

const { STATUS_CODE } = utils.sftp;

/** One file the hostile server serves: its listed name, content and mode. */
export interface HostileEntry {
  name: string;
  data: Buffer;
  mode: number;
}

function sshKeygenHostKey(): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-key-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
    return readFileSync(join(dir, 'key'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A standalone ssh2 SFTP server on 127.0.0.1 that lists crafted names under `/hostile`
 * ("../escape", "..\\..\\x", …): what a compromised or malicious node could send.
 */
export async function startHostileServer(entries: HostileEntry[]) {
  // ssh-keygen's key rather than ssh2's generator, whose Ed25519 output ssh2 itself now and then
  // fails to parse ("Malformed OpenSSH private key": seen once in four runs here).
  const hostKey = sshKeygenHostKey();
  const attrsOf = (mode: number, size: number) => ({
    mode,
    uid: 0,
    gid: 0,
    size,
    atime: 0,
    mtime: 1_700_000_000,
  });
  const byName = new Map(entries.map((e) => [posix.join('/hostile', e.name), e]));
  // Like a malicious node, it answers for any path, so a traversing request gets data too.
  const fallback: HostileEntry = { name: 'payload', data: Buffer.from('pwned'), mode: 0o100755 };
  const byPath = { get: (path: string) => byName.get(posix.normalize(path)) ?? fallback };
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('ready', () => {
      client.on('session', (accept) => {
        accept().on('sftp', (acceptSftp) => {
          const sftp = acceptSftp();
          const handles = new Map<number, { dir?: boolean; listed?: boolean; entry?: HostileEntry }>();
          let next = 0;
          const handle = (value: { dir?: boolean; entry?: HostileEntry }) => {
            const id = next++;
            handles.set(id, value);
            const buf = Buffer.alloc(4);
            buf.writeUInt32BE(id);
            return buf;
          };
          const get = (buf: Buffer) => handles.get(buf.readUInt32BE(0));
          const statPath = (reqid: number, path: string) => {
            const entry = byPath.get(path);
            if (path === '/hostile') return sftp.attrs(reqid, attrsOf(0o40755, 0));
            if (entry) return sftp.attrs(reqid, attrsOf(entry.mode, entry.data.length));
            return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
          };
          sftp.on('REALPATH', (reqid, path) =>
            sftp.name(reqid, [{ filename: path, longname: path, attrs: {} as never }]),
          );
          sftp.on('STAT', statPath);
          sftp.on('LSTAT', statPath);
          sftp.on('OPENDIR', (reqid, path) =>
            path === '/hostile'
              ? sftp.handle(reqid, handle({ dir: true }))
              : sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE),
          );
          sftp.on('READDIR', (reqid, h) => {
            const state = get(h);
            if (!state?.dir || state.listed) return sftp.status(reqid, STATUS_CODE.EOF);
            state.listed = true;
            sftp.name(
              reqid,
              entries.map((e) => ({
                filename: e.name,
                longname: e.name,
                attrs: attrsOf(e.mode, e.data.length) as never,
              })),
            );
          });
          sftp.on('OPEN', (reqid, path) => {
            const entry = byPath.get(path);
            if (!entry) return sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            sftp.handle(reqid, handle({ entry }));
          });
          sftp.on('FSTAT', (reqid, h) => {
            const entry = get(h)?.entry;
            if (!entry) return sftp.status(reqid, STATUS_CODE.FAILURE);
            sftp.attrs(reqid, attrsOf(entry.mode, entry.data.length));
          });
          sftp.on('READ', (reqid, h, offset, length) => {
            const entry = get(h)?.entry;
            if (!entry || offset >= entry.data.length) return sftp.status(reqid, STATUS_CODE.EOF);
            sftp.data(reqid, entry.data.subarray(offset, offset + length));
          });
          sftp.on('CLOSE', (reqid, h) => {
            handles.delete(h.readUInt32BE(0));
            sftp.status(reqid, STATUS_CODE.OK);
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.on('ready', resolve).on('error', reject);
    client.connect({ host: '127.0.0.1', port, username: 'victim', password: 'x' });
  });
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
    client.sftp((error, channel) => (error ? reject(error) : resolve(channel))),
  );
  return {
    sftp,
    async stop() {
      client.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
