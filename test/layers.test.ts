import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

/** The restricted-import errors ESLint reports for `code` as if it lived at `file`. */
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules (design/architecture.md)', () => {
  it.each([
    ['renderer/src/App.tsx', "import { ipcRenderer } from 'electron';"],
    ['renderer/src/App.tsx', "import { readFile } from 'node:fs/promises';"],
    ['renderer/src/App.tsx', "import ssh2 from 'ssh2';"],
    ['renderer/src/App.tsx', "import { KeyVault } from '../../electron/core/keys/KeyVault.ts';"],
    ['shared/src/x.ts', "import { join } from 'path';"],
    ['shared/src/x.ts', "import { app } from 'electron';"],
    ['shared/src/x.ts', "import { Sandbox } from '@enscale-ssh/gateway';"],
    ['electron/core/ssh/Session.ts', "import { app } from 'electron';"],
    ['electron/core/ssh/Session.ts', "import { App } from '../../../renderer/src/App.tsx';"],
    ['gateway/src/ssh/x.ts', "import { nodeUser } from '../../../shared/src/gatewayAddress.ts';"],
    ['test/x.test.ts', "import { app } from 'electron';"],
  ])('%s may not say %s', async (file, code) => {
    expect(await layerErrors(file, code)).toHaveLength(1);
  });

  it.each([
    ['electron/main/index.ts', "import { app } from 'electron';"],
    ['electron/preload/index.ts', "import { contextBridge } from 'electron';"],
    ['electron/core/ssh/Session.ts', "import { readFile } from 'node:fs/promises';"],
    ['electron/core/ssh/Session.ts', "import { nodeUser } from '../../../shared/src/gatewayAddress.ts';"],
    ['renderer/src/App.tsx', "import { nodeUser } from '../../shared/src/gatewayAddress.ts';"],
  ])('%s may say %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});

/** The ssh2-fence errors (no-restricted-syntax) ESLint reports for `code` as if it lived at `file`. */
async function fenceErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('the ssh2 fence (packages/ssh2-internals)', () => {
  it.each([
    ['electron/core/ssh/x.ts', 'export const p = (c: { _protocol: unknown }) => c._protocol;'],
    ['gateway/src/ssh/x.ts', 'export const m = (c: { _chanMgr?: unknown }) => c;'],
    ['test/core/x.test.ts', 'export const a = (c: { allocPacket(): void }) => c.allocPacket();'],
    [
      'gateway/src/ssh/x.ts',
      "import { RawSession } from '@enscale-ssh/ssh2-internals/testing';\nexport { RawSession };",
    ],
  ])('%s may not say %s', async (file, code) => {
    expect(await fenceErrors(file, code)).not.toEqual([]);
  });

  it.each([
    ['packages/ssh2-internals/src/x.ts', 'export const p = (c: { _protocol: unknown }) => c._protocol;'],
    [
      'gateway/test/x.test.ts',
      "import { RawSession } from '@enscale-ssh/ssh2-internals/testing';\nexport { RawSession };",
    ],
  ])('%s may say %s', async (file, code) => {
    expect(await fenceErrors(file, code)).toEqual([]);
  });
});
