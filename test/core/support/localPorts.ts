import { execFile } from 'node:child_process';
import { connect, createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Whether something accepts connections on this computer's port. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A port on 127.0.0.1 nobody listened on a moment ago. */
export function freeLocalPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One statement by the real `mysql` client on 127.0.0.1:port, as the sandbox's database user; its output trimmed. */
export async function mysqlQuery(
  db: { user: string; password: string; name: string },
  port: number,
  sql: string,
): Promise<string> {
  const { stdout } = await run('mysql', [
    '-h',
    '127.0.0.1',
    '-P',
    String(port),
    '-u',
    db.user,
    `-p${db.password}`,
    '-N',
    '-e',
    sql,
    db.name,
  ]);
  return stdout.trim();
}
