import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseService } from '../../electron/core/databases/DatabaseService.ts';
import { KeytarSecretStore } from '../../electron/core/keys/secretStore.ts';
import type { GatewayConnections } from '../../electron/core/ssh/GatewayConnections.ts';
import type { DatabaseCredentials } from '../../shared/src/databases.ts';
import { InvalidInput, SqlFailed } from '../../shared/src/errors.ts';
import { startSandboxAccount, type SandboxAccount } from '../core/support/sandboxAccount.ts';

/**
 * SQL import and export build remote shell commands: nothing the user types may run there, or become
 * an option of the database client. And when the database goes away in the middle of an import, the
 * failure carries the server's message and says which statements were applied.
 */
const DB_NODE = 518840;
const MARK = `pwned-${randomBytes(4).toString('hex')}`;

let account: SandboxAccount;
let connections: GatewayConnections;
let databases: DatabaseService;
let credentials: DatabaseCredentials;
const target = () => account.target(`${DB_NODE}-4856`);

beforeAll(async () => {
  account = await startSandboxAccount();
  connections = account.connections();
  databases = new DatabaseService({
    connections,
    secrets: new KeytarSecretStore(),
    keychainService: `enscale-ssh-test-reliability-${process.pid}`,
  });
  const db = account.sandbox.ready.database!;
  credentials = { database: db.name, user: db.user, password: db.password };
}, 180_000);
afterAll(async () => {
  connections?.closeAll();
  await account?.stop();
}, 180_000);

const nodeHome = () => join(account.sandbox.dataDir, 'nodes', String(DB_NODE), 'home');
/** Markers anywhere a shell on the node (or here) would have created them. */
const markers = () =>
  [nodeHome(), '/tmp', account.dir, process.cwd()].flatMap((dir) =>
    readdirSync(dir).filter((name) => name.startsWith(MARK)),
  );
const execChannels = () =>
  readFileSync(join(account.sandbox.dataDir, 'gateway', 'audit.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { event: string; channel?: string; command?: string })
    .filter((e) => e.event === 'channel' && e.channel === 'exec');
const count = async (table: string) =>
  Number((await account.sandbox.nodes.database.query(`SELECT COUNT(*) FROM ${table}`)).trim());
/** A MariaDB string literal. */
const sqlString = (text: string) =>
  `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;

describe('SQL commands and hostile input', () => {
  it('refuses database and user names that are not plain names, before anything reaches the node', async () => {
    const file = join(account.dir, 'one.sql');
    writeFileSync(file, 'SELECT 1;\n');
    const before = execChannels().length;
    const hostile: Partial<DatabaseCredentials>[] = [
      { database: `$(touch /tmp/${MARK}-db)` },
      { database: `\`touch /tmp/${MARK}-db2\`` },
      { database: `shop; touch /tmp/${MARK}-db3` },
      { database: "shop' OR '1'='1" },
      { database: 'shop\ntouch x' },
      { database: 'x'.repeat(65) },
      { database: '' },
      { user: `shop$(touch /tmp/${MARK}-user)` },
      { user: `"shop` },
      // Option-like names: as the client's operand they would be read as options (-h: another host).
      { database: '-hevil' },
      { database: '--force' },
      { user: '-hevil' },
    ];
    for (const change of hostile) {
      const request = {
        target: target(),
        nodeType: 'mariadb',
        file,
        credentials: { ...credentials, ...change },
      };
      await expect(databases.importSql(request), JSON.stringify(change)).rejects.toBeInstanceOf(InvalidInput);
      await expect(
        databases.exportSql({ ...request, file: join(account.dir, 'never.sql'), gzip: false }),
        JSON.stringify(change),
      ).rejects.toBeInstanceOf(InvalidInput);
    }
    expect(existsSync(join(account.dir, 'never.sql'))).toBe(false);
    // Nothing was even sent: no exec channel was opened for any of them. A last, well-formed import
    // opens one; once its line is in the audit log, any channel opened before it would be there too.
    await databases.importSql({ target: target(), nodeType: 'mariadb', file, credentials });
    await expect.poll(() => execChannels().length).toBe(before + 1);
    expect(markers()).toEqual([]);
  });

  it('passes a database name with $ to the server literally, unexpanded', async () => {
    const file = join(account.dir, 'one.sql');
    writeFileSync(file, 'SELECT 1;\n');
    const error = await databases
      .importSql({
        target: target(),
        nodeType: 'mariadb',
        file,
        credentials: { ...credentials, database: 'sh$op' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlFailed);
    // A shell would have made "sh" of it ($op is empty).
    expect((error as Error).message).toContain("'sh$op'");
  });

  it('uses a password full of quotes, backslashes, $(…), backticks, # and newlines, and runs none of it', async () => {
    const password = `p"a'ss\\w $(touch /tmp/${MARK}-pw) \`touch /tmp/${MARK}-pw2\` ;#x\n2nd line\ttab \\n`;
    const change = join(account.dir, 'password.sql');
    writeFileSync(change, `SET PASSWORD = PASSWORD(${sqlString(password)});\n`);
    await databases.importSql({ target: target(), nodeType: 'mariadb', file: change, credentials });
    const special = { ...credentials, password };
    try {
      const file = join(account.dir, 'special.sql');
      writeFileSync(
        file,
        'DROP TABLE IF EXISTS special;\nCREATE TABLE special (id INT);\nINSERT INTO special VALUES (1),(2),(3);\n',
      );
      await databases.importSql({ target: target(), nodeType: 'mariadb', file, credentials: special });
      const dump = join(account.dir, 'special-export.sql');
      await databases.exportSql({
        target: target(),
        nodeType: 'mariadb',
        file: dump,
        gzip: false,
        credentials: special,
      });
      expect(readFileSync(dump, 'utf8')).toMatch(/INSERT INTO `special` VALUES\s*\(1\),\s*\(2\),\s*\(3\);/);
    } finally {
      writeFileSync(change, `SET PASSWORD = PASSWORD(${sqlString(credentials.password)});\n`);
      await databases.importSql({
        target: target(),
        nodeType: 'mariadb',
        file: change,
        credentials: special,
      });
    }
    expect(await count('special')).toBe(3);
    expect(markers()).toEqual([]);
    // The password is in no command line the gateway saw.
    const audit = readFileSync(join(account.sandbox.dataDir, 'gateway', 'audit.log'), 'utf8');
    expect(audit).not.toContain('2nd line');
  });
});

describe('MariaDB stopped in the middle of an import', () => {
  it('fails with the server’s message and says which statements were applied', async () => {
    const statements = 400;
    const file = join(account.dir, 'interrupted.sql');
    const out = createWriteStream(file);
    // Line 1 and 2: the table; line 2 + n: INSERT number n, 1,000 rows each.
    out.write(
      'DROP TABLE IF EXISTS interrupted;\nCREATE TABLE interrupted (id INT PRIMARY KEY, pad VARCHAR(200));\n',
    );
    for (let n = 0; n < statements; n++) {
      const rows = Array.from({ length: 1000 }, (_, i) => `(${n * 1000 + i},'${'x'.repeat(150)}')`);
      out.write(`INSERT INTO interrupted VALUES ${rows.join(',')};\n`);
    }
    await new Promise<void>((resolve) => out.end(resolve));

    const database = account.sandbox.nodes.database;
    let stopping: Promise<void> | undefined;
    const stop = databases.events.on('progress', (p) => {
      if (!stopping && p.bytes > p.total / 3) stopping = database.stop();
    });
    const error = await databases
      .importSql({ target: target(), nodeType: 'mariadb', file, credentials })
      .catch((e: unknown) => e);
    stop();
    await stopping;
    await database.start();

    expect(error).toBeInstanceOf(SqlFailed);
    const failed = error as SqlFailed;
    console.info(`MariaDB stopped mid-import: ${failed.message} ${JSON.stringify(failed.details)}`);
    // The server's (or its client's) own words: lost connection, gone away, or cannot connect.
    expect(failed.message).toMatch(/ERROR 20\d\d/);
    const line = failed.details['line'];
    expect(typeof line).toBe('number');
    const applied = failed.details['appliedThroughLine'];
    expect(failed.message).toContain(`at line ${String(line)}`);
    const rows = await count('interrupted');
    // Every statement before the failing line was applied; the failing one may or may not have been
    // (the server can commit it and go before the client hears back), and the message says so.
    const before = ((line as number) - 3) * 1000;
    expect([before, before + 1000]).toContain(rows);
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(statements * 1000);
    expect(applied).toBe((line as number) - 1);
    expect(failed.details['lineOutcome']).toBe('unknown');
    expect(failed.message).toMatch(/may or may not have been applied/);
  });
});
