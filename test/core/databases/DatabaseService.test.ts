import {
  createWriteStream,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../../../electron/core/databases/DatabaseService.ts';
import { KeytarSecretStore } from '../../../electron/core/keys/secretStore.ts';
import type { GatewayConnections } from '../../../electron/core/ssh/GatewayConnections.ts';
import type { DatabaseCredentials } from '../../../shared/src/databases.ts';
import { Cancelled, SqlFailed } from '../../../shared/src/errors.ts';
import { startSandboxAccount, type SandboxAccount } from '../support/sandboxAccount.ts';

let account: SandboxAccount;
let connections: GatewayConnections;
let databases: DatabaseService;
let credentials: DatabaseCredentials;
const target = () => account.target('518840-4856');

/** A dump of `rows` rows in one table, written in multi-row INSERTs as mysqldump does. */
async function writeDump(file: string, table: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write(
    `DROP TABLE IF EXISTS ${table};\nCREATE TABLE ${table} (id INT PRIMARY KEY, note VARCHAR(100));\n`,
  );
  for (let start = 0; start < rows; start += 1000) {
    const values = [];
    for (let id = start; id < Math.min(rows, start + 1000); id++)
      values.push(`(${id},'row ${id} — ünïcode \\'quoted\\'')`);
    if (!out.write(`INSERT INTO ${table} VALUES ${values.join(',')};\n`))
      await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve) => out.end(resolve));
}

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  databases = new DatabaseService({
    connections,
    secrets: new KeytarSecretStore(),
    keychainService: `enscale-ssh-test-db-${process.pid}`,
  });
  const db = account.sandbox.ready.database!;
  credentials = { database: db.name, user: db.user, password: db.password };
});
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
});

const count = async (table: string) =>
  Number((await account.sandbox.nodes.database.query(`SELECT COUNT(*) FROM ${table}`)).trim());

describe('SQL import and export through the gateway', () => {
  it('imports a 100 MB .sql file with progress, and every row arrives', async () => {
    const file = join(account.dir, 'orders.sql');
    await writeDump(file, 'orders', 2_500_000);
    expect(statSync(file).size).toBeGreaterThan(100_000_000);
    const progress: number[] = [];
    const stop = databases.events.on('progress', (p) => progress.push(p.bytes));
    const result = await databases.importSql({ target: target(), nodeType: 'mariadb', file, credentials });
    stop();
    expect(await count('orders')).toBe(2_500_000);
    expect(result.bytes).toBe(readFileSync(file).length);
    expect(progress.at(-1)).toBe(result.bytes);
    const note = await account.sandbox.nodes.database.query('SELECT note FROM orders WHERE id = 7');
    expect(note.trim()).toBe("row 7 — ünïcode 'quoted'");
  });

  it('imports a .sql.gz file', async () => {
    const plain = join(account.dir, 'gz.sql');
    await writeDump(plain, 'customers', 3_000);
    const file = join(account.dir, 'customers.sql.gz');
    writeFileSync(file, gzipSync(readFileSync(plain)));
    await databases.importSql({ target: target(), nodeType: 'mariadb', file, credentials });
    expect(await count('customers')).toBe(3_000);
  });

  it('reports the server’s error and its line for a broken dump', async () => {
    const file = join(account.dir, 'broken.sql');
    writeFileSync(
      file,
      'CREATE TABLE ok_before (id INT);\nINSERT INTO ok_before VALUES (1);\nINSERT INTO nowhere VALUES (;\nCREATE TABLE never (id INT);\n',
    );
    const error = await databases
      .importSql({ target: target(), nodeType: 'mariadb', file, credentials })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlFailed);
    expect(error).toMatchObject({ details: { line: 3 } });
    expect((error as Error).message).toMatch(/at line 3; the statements before it were applied: ERROR 1064/);
    expect(await count('ok_before')).toBe(1);
  });

  it('refuses a wrong password with the server’s words', async () => {
    const file = join(account.dir, 'tiny.sql');
    writeFileSync(file, 'SELECT 1;\n');
    await expect(
      databases.importSql({
        target: target(),
        nodeType: 'mariadb',
        file,
        credentials: { ...credentials, password: 'wrong' },
      }),
    ).rejects.toThrow(/Access denied for user 'shop'/);
  });

  it('never puts the password on a command line', async () => {
    const audit = readFileSync(join(account.sandbox.dataDir, 'gateway', 'audit.log'), 'utf8');
    expect(audit).toContain('mysql --defaults-extra-file');
    expect(audit).not.toContain(credentials.password);
  });

  it('cancels an import mid-way', async () => {
    const file = join(account.dir, 'big.sql');
    await writeDump(file, 'big', 400_000);
    const controller = new AbortController();
    const stop = databases.events.on('progress', (p) => {
      if (p.bytes > p.total / 4) controller.abort();
    });
    await expect(
      databases.importSql(
        { target: target(), nodeType: 'mariadb', file, credentials },
        { signal: controller.signal },
      ),
    ).rejects.toBeInstanceOf(Cancelled);
    stop();
    // Cancelling closes the channel; the node's mysql still runs what it had already read (its DROP
    // and CREATE of `big` too, sometimes only now), which would break the next test's consistent
    // export (error 1412). Wait until the import's connection has gone.
    const busy = `SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '${credentials.user}' AND ID <> CONNECTION_ID()`;
    while (Number((await account.sandbox.nodes.database.query(busy)).trim()) > 0)
      await new Promise((resolve) => setTimeout(resolve, 50));
  });

  it('exports a database to a local file, gzipped on request', async () => {
    const file = join(account.dir, 'export.sql.gz');
    const result = await databases.exportSql({
      target: target(),
      nodeType: 'mariadb',
      file,
      gzip: true,
      credentials,
    });
    const dump = gunzipSync(readFileSync(file)).toString('utf8');
    expect(dump).toContain('CREATE TABLE `orders`');
    expect(dump).toContain("(2499999,'row 2499999");
    expect(result.bytes).toBe(Buffer.byteLength(dump));
  });

  it('never writes through a symlink planted where the partial file goes', async () => {
    const folder = join(account.dir, 'shared-folder');
    mkdirSync(folder);
    const victim = join(account.dir, 'victim.txt');
    writeFileSync(victim, 'keep me');
    // The name the partial file used to have: predictable, so anyone who can write the folder could
    // plant a link there and have the dump written wherever it points.
    symlinkSync(victim, join(folder, '.dump.sql.enscale-part'));
    const file = join(folder, 'dump.sql');
    await databases.exportSql({ target: target(), nodeType: 'mariadb', file, gzip: false, credentials });
    expect(readFileSync(victim, 'utf8')).toBe('keep me');
    expect(lstatSync(file).isFile()).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('CREATE TABLE `orders`');
    expect(readdirSync(folder).sort()).toEqual(['.dump.sql.enscale-part', 'dump.sql']);
  });

  it('refuses a PostgreSQL dump with a psql meta-command before anything is sent to the node', async () => {
    const file = join(account.dir, 'hostile.sql');
    writeFileSync(file, 'CREATE TABLE t (a int);\nSELECT 1; \\! touch /tmp/enscale-pwned\n');
    const progress: unknown[] = [];
    const stop = databases.events.on('progress', (event) => progress.push(event));
    const refusal = databases.importSql({ target: target(), nodeType: 'postgresql', file, credentials });
    await expect(refusal).rejects.toThrow(/Line 2 of the dump has a psql meta-command \(\\!\)/);
    stop();
    expect(progress).toEqual([]);
  });

  it('remembers a node’s credentials in the keychain', async () => {
    await databases.saveCredentials('sandbox:518840', credentials);
    expect(await databases.savedCredentials('sandbox:518840')).toEqual(credentials);
    expect(await databases.savedCredentials('sandbox:1')).toBeNull();
  });
});
