import { describe, expect, it } from 'vitest';
import { parsePorts } from '../../electron/cli/commands/tunnel.ts';
import { UsageError } from '../../electron/cli/usage.ts';
import { forwardRefusal } from '../../electron/core/tunnels/forwardRefusal.ts';
import { portProblem } from '../../renderer/src/tunnels/ports.ts';
import { TUNNELS_ARGS } from '../../shared/src/rpc/schemas/tunnels.ts';
import { databaseOf, sqlClientCommand } from '../../shared/src/tunnels.ts';
import * as v from 'valibot';

const target = { gateway: { host: '127.0.0.1', port: 3022 }, username: '518840-4856' };

describe('tunnels: the words around them', () => {
  it('knows a database node’s engine and port as the platform shows them', () => {
    expect(databaseOf('mariadb10')).toEqual({ engine: 'mysql', port: 3306 });
    expect(databaseOf('mysql8')).toEqual({ engine: 'mysql', port: 3306 });
    expect(databaseOf('perconadb')).toEqual({ engine: 'mysql', port: 3306 });
    expect(databaseOf('postgres15')).toEqual({ engine: 'postgresql', port: 5432 });
    expect(databaseOf('apache2')).toBeUndefined();
  });

  it('writes the client’s command line without the password, every name an option’s value', () => {
    expect(sqlClientCommand('mysql', 40123, 'shop', 'shop')).toBe(
      'mysql -h 127.0.0.1 -P 40123 -u shop -p -D shop',
    );
    expect(sqlClientCommand('postgresql', 40124, 'analytics', 'analytics')).toBe(
      'psql -h 127.0.0.1 -p 40124 -U analytics -d analytics',
    );
    // A name that looks like an option stays the option's value; one with spaces or quotes is quoted.
    expect(sqlClientCommand('mysql', 1, '-e', "my db's")).toBe(
      `mysql -h 127.0.0.1 -P 1 -u -e -p -D 'my db'\\''s'`,
    );
    expect(sqlClientCommand('postgresql', 1, '', '')).toBe('psql -h 127.0.0.1 -p 1');
  });

  it('reads a refusal as OpenSSH prints it: the reason’s words, then the far side’s', () => {
    const refusal = (reason: number | undefined, description: string) =>
      Object.assign(new Error(`(SSH) Channel open failure: ${description}`), { reason });
    expect(forwardRefusal(refusal(1, 'open failed'))).toEqual({
      reason: 1,
      words: 'administratively prohibited: open failed',
    });
    expect(forwardRefusal(refusal(2, 'Connection refused'))?.words).toBe(
      'connect failed: Connection refused',
    );
    expect(forwardRefusal(refusal(4, ''))?.words).toBe('resource shortage');
    // Not a refusal: the connection went away meanwhile.
    expect(forwardRefusal(new Error('No response from server'))).toBeUndefined();
    expect(forwardRefusal(refusal(undefined, 'x'))).toBeUndefined();
  });

  it('reads the CLI’s ports as ssh -L writes them', () => {
    expect(parsePorts('3306')).toEqual({ remotePort: 3306 });
    expect(parsePorts('13306:3306')).toEqual({ localPort: 13306, remotePort: 3306 });
    expect(parsePorts('0:5432')).toEqual({ remotePort: 5432 });
    for (const bad of ['', 'x', '0', '65536', '1:70000', '3306:', ':3306', '1:2:3', ' 22']) {
      expect(() => parsePorts(bad), bad).toThrow(UsageError);
    }
  });

  it('checks the dialog’s ports before anything is sent', () => {
    expect(portProblem('3306', false)).toBeUndefined();
    expect(portProblem('', false)).toMatch(/Enter the port/);
    expect(portProblem('', true)).toBeUndefined();
    expect(portProblem('0', true)).toBeUndefined();
    expect(portProblem('0', false)).toMatch(/1 to 65535/);
    expect(portProblem('99999', true)).toMatch(/0 to 65535/);
    expect(portProblem('80a', false)).toMatch(/whole number/);
  });

  it('refuses ports out of range and unknown fields at the RPC', () => {
    const open = (request: unknown) => v.safeParse(TUNNELS_ARGS.open, [request]).success;
    expect(open({ target, remotePort: 3306 })).toBe(true);
    expect(open({ target, remotePort: 3306, localPort: 0, label: 'MariaDB' })).toBe(true);
    expect(open({ target, remotePort: 0 })).toBe(false);
    expect(open({ target, remotePort: 65536 })).toBe(false);
    expect(open({ target, remotePort: 3306, localPort: -1 })).toBe(false);
    expect(open({ target, remotePort: 3306, remoteHost: '10.0.0.1' })).toBe(false);
    expect(open({ target, remotePort: 3306, label: 'x'.repeat(41) })).toBe(false);
  });
});
