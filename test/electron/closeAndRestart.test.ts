import { describe, expect, it } from 'vitest';
import { closeQuestion } from '../../electron/main/policy/closeWindow.ts';
import { CoreRestarts, ErrorTail } from '../../electron/main/policy/coreRestarts.ts';

describe('closing the window', () => {
  it('asks only when shells or transfers would end, naming them', () => {
    expect(closeQuestion(undefined)).toBeUndefined();
    expect(closeQuestion({ terminals: 0, transfers: 0 })).toBeUndefined();
    expect(closeQuestion({ terminals: 1, transfers: 0 })?.message).toBe(
      'Close the window and end 1 terminal?',
    );
    expect(closeQuestion({ terminals: 3, transfers: 2 })?.message).toBe(
      'Close the window and end 3 terminals and 2 file transfers?',
    );
    expect(closeQuestion({ terminals: 0, transfers: 1 })?.detail).toMatch(/partial files/);
    expect(closeQuestion({ terminals: 0, transfers: 0, tunnels: 0 })).toBeUndefined();
    expect(closeQuestion({ terminals: 0, transfers: 0, tunnels: 1 })?.message).toBe(
      'Close the window and end 1 tunnel?',
    );
    expect(closeQuestion({ terminals: 2, transfers: 1, tunnels: 3 })?.message).toBe(
      'Close the window and end 2 terminals, 1 file transfer and 3 tunnels?',
    );
    const editing = closeQuestion({ terminals: 0, transfers: 0, tunnels: 0, edits: 1 });
    expect(editing?.message).toBe('Close the window and end 1 edit in your editor?');
    expect(editing?.detail).toMatch(/no longer uploaded when saved/);
    expect(closeQuestion({ terminals: 1, transfers: 0, edits: 2 })?.message).toBe(
      'Close the window and end 1 terminal and 2 edits in your editor?',
    );
  });
});

describe('a core that keeps failing', () => {
  it('is restarted three times within a minute, then not until the user retries', () => {
    let now = 0;
    const restarts = new CoreRestarts(3, 60_000, () => now);
    expect([restarts.failed(), restarts.failed(), restarts.failed()]).toEqual([
      'restart',
      'restart',
      'restart',
    ]);
    now = 30_000;
    expect(restarts.failed()).toBe('give up');
    restarts.reset();
    expect(restarts.failed()).toBe('restart');
  });

  it('is restarted again when its failures are far apart', () => {
    let now = 0;
    const restarts = new CoreRestarts(3, 60_000, () => now);
    for (let i = 0; i < 10; i++) {
      now += 25_000;
      expect(restarts.failed(), `failure ${i}`).toBe('restart');
    }
  });

  it('shows its last error lines, bounded', () => {
    const tail = new ErrorTail(3);
    for (const line of ['one', '', 'two', 'three', 'four', 'x'.repeat(900)]) tail.add(line);
    expect(tail.text().split('\n')).toEqual(['three', 'four', 'x'.repeat(500)]);
  });
});
