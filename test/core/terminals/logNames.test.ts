import { describe, expect, it } from 'vitest';
import {
  fileTimestamp,
  gatewaySubject,
  LOCAL_SUBJECT,
  logFileName,
  readableTime,
  safeNamePart,
} from '../../../electron/core/terminals/sessionLog/logNames.ts';

const START = new Date(2026, 4, 1, 14, 3, 22);

describe('session log names', () => {
  it('names a node’s log after its environment, the node and the local start time', () => {
    expect(logFileName(gatewaySubject('518839-4856', 'shop'), START)).toBe(
      'shop-518839-2026-05-01_14-03-22.log',
    );
    expect(logFileName(gatewaySubject('518839-4856', 'shop'), START, 2)).toBe(
      'shop-518839-2026-05-01_14-03-22_2.log',
    );
    expect(logFileName(gatewaySubject('518839-4856'), START)).toBe('518839-2026-05-01_14-03-22.log');
    expect(logFileName(gatewaySubject('4856'), START)).toBe('gateway-menu-2026-05-01_14-03-22.log');
    expect(logFileName(LOCAL_SUBJECT, START)).toBe('local-2026-05-01_14-03-22.log');
    expect(gatewaySubject('518839-4856', 'shop').title).toBe('node 518839 in shop');
  });

  it('keeps names legal on Windows and inside the folder, whatever the environment is called', () => {
    for (const hostile of [
      '../../etc',
      'a/b\\c',
      'C:\\Windows',
      'con:',
      'name. ',
      '..',
      '.',
      'a*b?c"d<e>f|g',
      '\u0000x',
    ]) {
      const name = logFileName(gatewaySubject('518839-4856', hostile), START);
      expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
      expect(name.startsWith('.')).toBe(false);
    }
    expect(safeNamePart('../../etc')).toBe('etc');
    expect(safeNamePart('C:\\Windows')).toBe('C_Windows');
    expect(safeNamePart('my env')).toBe('my_env');
    expect(safeNamePart('..')).toBe('');
    expect(safeNamePart('x'.repeat(200))).toHaveLength(48);
    expect(logFileName(gatewaySubject('518839-4856', '..'), START)).toBe('518839-2026-05-01_14-03-22.log');
    // The log's first line names it too: no escape sequence gets there.
    expect(gatewaySubject('518839-4856', 'shop\x1b]0;owned\x07\n').title).toBe('node 518839 in shop]0;owned');
  });

  it('writes times without colons in names, and with the UTC offset in the log', () => {
    expect(fileTimestamp(new Date(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02_03-04-05');
    expect(readableTime(START)).toMatch(/^2026-05-01 14:03:22 [+-]\d\d:\d\d$/);
  });
});
