import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_LOG_BYTES, openLogFile } from '../../electron/main/policy/logFile.ts';
import {
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  parseWindowState,
  WindowStateFile,
} from '../../electron/main/policy/windowState.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'enscale-window-state-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('window state', () => {
  it('round-trips through its file, written atomically with no temp file left', async () => {
    const file = new WindowStateFile(join(dir, 'window-state.json'));
    const state = { x: 40, y: -20, width: 1400, height: 900, maximized: true };
    await file.save(state);
    expect(await file.load()).toEqual(state);
    expect(await readdir(dir)).toEqual(['window-state.json']);
    await file.save({ width: 800, height: 600, maximized: false });
    expect(await file.load()).toEqual({ width: 800, height: 600, maximized: false });
  });

  it('starts from the default without a file', async () => {
    expect(await new WindowStateFile(join(dir, 'none.json')).load()).toEqual(DEFAULT_WINDOW_STATE);
  });

  it.each([
    ['truncated JSON', '{"x": 10, "wid'],
    ['not an object', '[1, 2, 3]'],
    ['null', 'null'],
    ['binary junk', '\u0000\u0001\u0002'],
    ['sizes as strings', '{"width": "1200", "height": "800"}'],
    ['a size too small to see', '{"width": 10, "height": 10}'],
    ['an absurd size', '{"width": 1e9, "height": 800}'],
    ['fractions', '{"width": 1000.5, "height": 800}'],
  ])('survives a corrupt file (%s)', async (_name, content) => {
    const path = join(dir, 'window-state.json');
    await writeFile(path, content);
    const file = new WindowStateFile(path);
    expect(await file.load()).toEqual(DEFAULT_WINDOW_STATE);
    await file.save({ width: 1000, height: 700, maximized: false });
    expect(await file.load()).toEqual({ width: 1000, height: 700, maximized: false });
  });

  it('drops a position that is only half there', () => {
    expect(parseWindowState('{"x": 5, "width": 900, "height": 700}')).toEqual({
      width: 900,
      height: 700,
      maximized: false,
    });
  });

  it('keeps a position on a display that is still there, shrinking to fit it', () => {
    const displays = [
      { x: 0, y: 0, width: 1920, height: 1040 },
      { x: 1920, y: 0, width: 1280, height: 984 },
    ];
    expect(fitToDisplays({ x: 2000, y: 10, width: 1600, height: 1200, maximized: false }, displays)).toEqual({
      x: 2000,
      y: 10,
      width: 1280,
      height: 984,
      maximized: false,
    });
  });

  it('forgets a position on a display that was unplugged', () => {
    const displays = [{ x: 0, y: 0, width: 1920, height: 1040 }];
    expect(fitToDisplays({ x: 2500, y: 100, width: 1200, height: 800, maximized: true }, displays)).toEqual({
      width: 1200,
      height: 800,
      maximized: true,
    });
  });
});

describe('log files', () => {
  it('appends one line per entry, newlines folded', async () => {
    const log = openLogFile(join(dir, 'logs'), 'main.log');
    log.write('info', 'started');
    log.write('error', 'failed:\n  at somewhere');
    const lines = (await readFile(log.path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z INFO started$/);
    expect(lines[1]).toMatch(/ERROR failed: ⏎ at somewhere$/);
  });

  it('moves a log over the limit aside when opened', async () => {
    const path = join(dir, 'main.log');
    await writeFile(path, 'x'.repeat(MAX_LOG_BYTES + 1));
    const log = openLogFile(dir, 'main.log');
    log.write('info', 'fresh');
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(1);
    expect((await readFile(`${path}.1`, 'utf8')).length).toBe(MAX_LOG_BYTES + 1);
  });

  it('never throws when the folder cannot be made', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, '');
    const log = openLogFile(join(blocker, 'logs'), 'main.log');
    expect(() => log.write('info', 'lost')).not.toThrow();
  });
});
