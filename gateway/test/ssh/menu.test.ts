import { describe, expect, it } from 'vitest';
import type { EnvironmentRecord, NodeRecord } from '../../src/store/types.ts';
import { EnvironmentStatus } from '../../src/store/types.ts';
import { LineEditor, type EditorEvent } from '../../src/ssh/menu/LineEditor.ts';
import {
  clean,
  environmentsScreen,
  nodesScreen,
  orderNodes,
  promptLine,
} from '../../src/ssh/menu/menuScreens.ts';

const env = (envName: string, status: EnvironmentRecord['status']): EnvironmentRecord => ({
  envName,
  ownerUid: 4856,
  shortdomain: envName,
  domain: `${envName.toLowerCase()}.j.layershift.co.uk`,
  status,
  createdAt: new Date(0),
});

const node = (
  id: number,
  nodeGroup: string,
  name: string,
  isMaster: boolean,
  intIP: string,
  extIPs: string[] = [],
): NodeRecord => ({
  id,
  envName: 'exampleEnv',
  nodeGroup,
  nodeType: nodeGroup === 'cp' ? 'apache2' : 'mariadb',
  name,
  displayName: null,
  intIP,
  extIPs,
  isMaster,
  access: null,
});

describe('menu screens', () => {
  it('lays out a node list like the real gateway’s screenshot', () => {
    const screen = nodesScreen(env('exampleEnv', EnvironmentStatus.Running), [
      node(518839, 'cp', 'Apache', true, '10.10.137.91', ['109.109.137.192']),
    ]);
    expect(screen.maxChoice).toBe(2);
    expect(screen.lines).toEqual([
      "Please select the required container in 'exampleEnv'",
      '     /exampleenv.j.layershift.co.uk                    nodeid LAN IP          WAN IP',
      '  0. [..]',
      '  1. Refresh',
      '',
      '     Application Servers (cp)',
      '  2. [M] Apache                                        518839 10.10.137.91    109.109.137.192',
    ]);
    expect(promptLine(screen.maxChoice)).toBe('Enter [0-2]: ');
  });

  it('groups nodes in dashboard order with masters first', () => {
    const ordered = orderNodes([
      node(3, 'sqldb', 'MariaDB', true, '10.0.0.3'),
      node(2, 'cp', 'Apache', false, '10.0.0.2'),
      node(1, 'cp', 'Apache', true, '10.0.0.1'),
      node(4, 'bl', 'Nginx', true, '10.0.0.4'),
      node(5, 'zz', 'Custom', true, '10.0.0.5'),
    ]);
    expect(ordered.map((n) => n.id)).toEqual([4, 1, 2, 3, 5]);
    const lines = nodesScreen(env('e', EnvironmentStatus.Running), ordered).lines;
    expect(lines).toContain('     Load Balancers (bl)');
    expect(lines).toContain('     Databases (sqldb)');
    expect(lines).toContain('     Zz (zz)');
    expect(lines.find((line) => line.startsWith('  4. '))).toMatch(/^ {2}4\. {5}Apache +2 +10\.0\.0\.2 +-$/);
  });

  it('lists environments with domain and status, numbered from 2', () => {
    const screen = environmentsScreen([
      env('shop', EnvironmentStatus.Running),
      env('staging', EnvironmentStatus.Down),
      env('old', EnvironmentStatus.Sleep),
    ]);
    expect(screen.maxChoice).toBe(4);
    expect(screen.lines.slice(0, 4)).toEqual([
      'Please select the required environment',
      expect.stringMatching(/^ {5}Environment +Domain +Status$/),
      '  0. Exit',
      '  1. Refresh',
    ]);
    expect(screen.lines.at(-3)).toMatch(/^ {2}2\. shop +shop\.j\.layershift\.co\.uk +running$/);
    expect(screen.lines.at(-2)).toMatch(/^ {2}3\. staging +staging\.j\.layershift\.co\.uk +stopped$/);
    expect(screen.lines.at(-1)).toMatch(/^ {2}4\. old +old\.j\.layershift\.co\.uk +sleeping$/);
  });

  it('says so when there are no environments, and keeps exit and refresh', () => {
    const screen = environmentsScreen([]);
    expect(screen.maxChoice).toBe(1);
    expect(screen.lines.join('\n')).toContain('You have no environments yet');
  });

  it('strips control characters from names so they cannot drive the terminal', () => {
    expect(clean('evil\u001b]0;owned\u0007env\u009b')).toBe('evil]0;ownedenv');
    const screen = environmentsScreen([env('a\u001b[2Jb', EnvironmentStatus.Running)]);
    expect(screen.lines.join('')).not.toContain('\u001b');
  });
});

describe('line editor', () => {
  const run = (input: string, maxLength?: number) => {
    let echoed = '';
    const editor = new LineEditor((text) => (echoed += text), maxLength);
    editor.feed(Buffer.from(input, 'latin1'));
    const events: EditorEvent[] = [];
    for (let event = editor.next(); event; event = editor.next()) events.push(event);
    return { events, echoed, editor };
  };

  it('echoes, erases and submits', () => {
    expect(run('12\x7f3\r')).toEqual(
      expect.objectContaining({ events: [{ type: 'line', text: '13' }], echoed: '12\b \b3\r\n' }),
    );
  });

  it('treats CR LF as one Enter and keeps typed-ahead lines for the next prompt', () => {
    expect(run('2\r\n3\r').events).toEqual([
      { type: 'line', text: '2' },
      { type: 'line', text: '3' },
    ]);
    let echoed = '';
    const editor = new LineEditor((text) => (echoed += text));
    editor.feed(Buffer.from('2\r3'));
    expect(editor.next()).toEqual({ type: 'line', text: '2' });
    expect(echoed).toBe('2\r\n');
    expect(editor.takePending().toString()).toBe('3');
  });

  it('leaves on Ctrl-C and Ctrl-D', () => {
    expect(run('1\x03').events).toEqual([{ type: 'quit' }]);
    expect(run('\x04').events).toEqual([{ type: 'quit' }]);
  });

  it('swallows escape sequences and rings the bell for what it cannot take', () => {
    const { events, echoed } = run('\x1b[A\x1bOP\x1b[1;5C1\u00e9\x01\r');
    expect(events).toEqual([{ type: 'line', text: '1' }]);
    expect(echoed).toBe('1\x07\x07\r\n');
  });

  it('bounds the line length and clears with Ctrl-U', () => {
    const { events, echoed } = run('12345\x15' + '9'.repeat(5) + '\r', 3);
    expect(events).toEqual([{ type: 'line', text: '999' }]);
    expect(echoed).toBe('123\x07\x07' + '\b \b'.repeat(3) + '999\x07\x07\r\n');
  });
});
