import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UID, GatewayFixture, SHOP_APACHE, makeKey, registerKey, type UserKey } from './helpers.ts';
import { AWAIT_SIZE, PtyClient, SHELL_PROMPT } from './ptyClient.ts';

describe('interactive menu (UID) through a real terminal', () => {
  let fx: GatewayFixture;
  let key: UserKey;

  beforeAll(async () => {
    fx = await GatewayFixture.start();
    key = makeKey(fx.tmp, 'demo_rsa', 'rsa', 2048);
    await registerKey(fx.store, DEMO_UID, key.publicKey);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  const openMenu = (size = { rows: 40, cols: 120 }) =>
    PtyClient.start('ssh', ['-t', ...fx.ssh(key, String(DEMO_UID))], size, (child) =>
      fx.processes.track(child),
    );

  it('lists environments, refuses a stopped one, enters a node shell and comes back to the node list', async () => {
    const term = openMenu();
    const top = await term.expect('Enter [0-4]: ');
    expect(top).toContain('Please select the required environment');
    expect(top).toMatch(/ {2}0\. Exit/);
    expect(top).toMatch(/ {2}1\. Refresh/);
    expect(top).toMatch(/ {2}2\. analytics +analytics\.sandbox\.local +running/);
    expect(top).toMatch(/ {2}3\. shop +shop\.sandbox\.local +running/);
    expect(top).toMatch(/ {2}4\. staging +staging\.sandbox\.local +stopped/);

    let at = term.mark();
    term.send('9\r');
    expect(await term.expect('Enter [0-4]: ', at)).toContain(
      'Invalid choice "9": enter a number from 0 to 4.',
    );

    at = term.mark();
    term.send('4\r');
    const refused = await term.expect('Enter [0-4]: ', at);
    expect(refused).toContain("Environment 'staging' is stopped");
    expect(refused).toContain('Please select the required environment');

    at = term.mark();
    term.send('3\r');
    const nodes = await term.expect('Enter [0-3]: ', at);
    expect(nodes).toContain("Please select the required container in 'shop'");
    expect(nodes).toMatch(/\/shop\.sandbox\.local +nodeid LAN IP +WAN IP/);
    expect(nodes).toMatch(/ {2}0\. \[\.\.\]/);
    expect(nodes).toMatch(
      /Application Servers \(cp\)\r\n {2}2\. \[M\] Apache +518839 10\.101\.1\.11 +203\.0\.113\.39/,
    );
    expect(nodes).toMatch(/Databases \(sqldb\)\r\n {2}3\. \[M\] MariaDB +518840 10\.101\.1\.12/);

    at = term.mark();
    term.send('2\r');
    await term.expect(`Connecting to node ${SHOP_APACHE}`, at);
    // Typing before the node's shell prompt works too (it is queued), but waiting keeps the test calm under load.
    await term.expect(SHELL_PROMPT, at);
    term.send('echo "NODE-$((6*7))"; pwd; stty size\r');
    const shell = await term.expect(/NODE-42[\s\S]*40 120/, at);
    expect(shell).toContain(fx.nodeRemoteHome(SHOP_APACHE));

    // A resized window reaches the node's terminal.
    at = term.mark();
    term.resize(30, 100);
    // The resize and the keystrokes travel separately; the node waits until it sees the new size.
    term.send(`${AWAIT_SIZE('30 100')}\r`);
    await term.expect('RESIZED-30x100', at);

    at = term.mark();
    term.send('exit\r');
    const back = await term.expect('Enter [0-3]: ', at);
    expect(back).toContain(`Connection to node ${SHOP_APACHE} in 'shop' closed.`);
    expect(back).toContain("Please select the required container in 'shop'");

    at = term.mark();
    term.send('0\r');
    await term.expect('Please select the required environment', at);
    term.send('0\r');
    await term.expect('Bye.');
    expect(await term.exit).toBe(0);

    const shellAudit = fx
      .auditEvents()
      .filter((e) => e.event === 'channel' && e.mode === 'menu' && e.channel === 'shell')
      .at(-1);
    expect(shellAudit).toMatchObject({ uid: DEMO_UID, nodeId: SHOP_APACHE, pty: true });
  });

  it('handles backspace, arrow keys and refresh in the line editor', async () => {
    const term = openMenu();
    await term.expect('Enter [0-4]: ');
    let at = term.mark();
    // "3", erased, an arrow key that must not print, then "1" (refresh).
    term.send('3\x7f\x1b[A1\r');
    const refreshed = await term.expect('Enter [0-4]: ', at);
    expect(refreshed).toContain('Please select the required environment');
    expect(refreshed).not.toContain('[A');
    expect(refreshed).not.toContain('Invalid');
    at = term.mark();
    term.send('\x03');
    await term.expect('Bye.', at);
    expect(await term.exit).toBe(0);
  });

  it('leaves cleanly on Ctrl-D', async () => {
    const term = openMenu();
    await term.expect('Enter [0-4]: ');
    term.send('3\r');
    await term.expect("container in 'shop'");
    term.send('\x04');
    await term.expect('Bye.');
    expect(await term.exit).toBe(0);
  });

  it('explains that commands and SFTP need the NODEID-UID login', async () => {
    const exec = await fx.processes.run('ssh', [...fx.ssh(key, String(DEMO_UID)), 'uptime']);
    expect(exec.code).toBe(1);
    expect(exec.stdout).toBe('');
    expect(exec.stderr.trim().split('\n')).toHaveLength(1);
    expect(exec.stderr).toContain(`NODEID-${DEMO_UID}`);
    // The example is the first running node of the first environment by name: analytics' 518860.
    expect(exec.stderr).toContain(`518860-${DEMO_UID}`);

    const sftp = await fx.processes.run(
      'sftp',
      [...fx.sshOptions(key), '-P', String(fx.address.port), '-b', '-', `${DEMO_UID}@127.0.0.1`],
      { input: 'ls\n' },
    );
    expect(sftp.code).not.toBe(0);
    expect(sftp.stderr).toContain(`NODEID-${DEMO_UID}`);
  });

  it('asks for a terminal when a shell is opened without one', async () => {
    const result = await fx.processes.run('ssh', ['-T', ...fx.ssh(key, String(DEMO_UID))]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('needs a terminal');
  });
});
