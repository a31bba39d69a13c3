import { describe, expect, it } from 'vitest';
import { LineEditor, type EditorEvent } from '../../src/ssh/menu/LineEditor.ts';

/**
 * The menu's line editor after unfinished escape sequences — found by fuzzMenu.test.ts: after
 * `ESC [ 9 9` (or a lone Esc) the editor took Enter and Ctrl-C as part of the sequence, so the menu
 * could not be left and showed nothing any more. Control characters now end a sequence and act.
 */
function run(...chunks: string[]): { events: EditorEvent[]; echoed: string } {
  let echoed = '';
  const editor = new LineEditor((text) => (echoed += text));
  const events: EditorEvent[] = [];
  for (const chunk of chunks) {
    editor.feed(Buffer.from(chunk, 'latin1'));
    for (let event = editor.next(); event; event = editor.next()) events.push(event);
  }
  return { events, echoed };
}

describe('line editor after unfinished escape sequences', () => {
  it('takes Ctrl-C and Ctrl-D after an unfinished CSI or a lone Esc', () => {
    expect(run('\x1b[99', '\x03').events).toEqual([{ type: 'quit' }]);
    expect(run('\x1b', '\x03').events).toEqual([{ type: 'quit' }]);
    expect(run('\x1bO', '\x04').events).toEqual([{ type: 'quit' }]);
  });

  it('takes Enter after an unfinished sequence, without echoing the sequence', () => {
    const { events, echoed } = run('\x1b[12;', '\r', '3\r');
    expect(events).toEqual([
      { type: 'line', text: '' },
      { type: 'line', text: '3' },
    ]);
    expect(echoed).not.toContain('\x1b');
    expect(echoed).not.toContain('12');
  });

  it('starts over at an Esc inside a sequence, and still swallows finished ones whole', () => {
    expect(run('\x1b[1\x1b[A2\r').events).toEqual([{ type: 'line', text: '2' }]);
    expect(run('\x1b[1;5C\x1bOP1\r').events).toEqual([{ type: 'line', text: '1' }]);
  });
});
