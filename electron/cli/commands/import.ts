import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidInput } from '../../../shared/src/errors.ts';
import type { ImportPlan, ImportReport, ImportSource } from '../../../shared/src/imports.ts';
import { output, type Command, type CommandContext } from '../command.ts';
import { readSecret } from '../prompt.ts';
import { UsageError } from '../usage.ts';

/** FILE (a .reg export, an ssh config, or a PuTTY sessions folder), --putty or --ssh-config. */
async function sourceOf(context: CommandContext): Promise<ImportSource> {
  const file = context.args[0];
  const putty = context.options.putty === true;
  const sshConfig = context.options['ssh-config'] === true;
  if ([file !== undefined, putty, sshConfig].filter(Boolean).length !== 1)
    throw new UsageError('Say what to import: a FILE (.reg export or ssh config), --putty or --ssh-config.');
  if (putty) return process.platform === 'win32' ? { kind: 'windowsRegistry' } : { kind: 'puttySessions' };
  if (sshConfig) return { kind: 'sshConfig' };
  const path = resolve(file ?? '');
  const info = await stat(path).catch(() => {
    throw new InvalidInput(`There is no file or folder ${path}.`);
  });
  if (info.isDirectory()) return { kind: 'puttySessions', folder: path };
  return /\.reg$/i.test(path) || (await looksLikeRegistryExport(path))
    ? { kind: 'regFile', path }
    : { kind: 'sshConfig', path };
}

/** A registry export under another name: its first line, in UTF-16LE (regedit) or 8-bit text (REGEDIT4). */
async function looksLikeRegistryExport(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(80), 0, 80, 0);
    const head = buffer.subarray(0, bytesRead);
    const text =
      head[0] === 0xff && head[1] === 0xfe ? head.subarray(2).toString('utf16le') : head.toString('latin1');
    return /^(\uFEFF|\u00EF\u00BB\u00BF)?(Windows Registry Editor|REGEDIT4)/.test(text);
  } finally {
    await file.close();
  }
}

const indent = (lines: string[]): string[] => lines.map((line) => `    ${line}`);

export function planText(plan: ImportPlan): string {
  const lines = [`From ${plan.from}:`];
  if (plan.shortcuts.length) lines.push('Node shortcuts:');
  for (const s of plan.shortcuts) {
    const { nodeId, uid, gateway } = s.draft;
    lines.push(
      `  ${s.session} → node ${nodeId} (account ${uid}) through ${gateway.host}:${gateway.port}`,
      ...indent(s.notes),
    );
  }
  if (plan.hosts.length) lines.push('Hosts:');
  for (const h of plan.hosts) {
    const { user, host, port } = h.draft;
    const auth =
      h.auth.kind === 'key'
        ? 'a vault key'
        : h.keyFile
          ? `its key file once imported, else the agent`
          : 'the agent';
    const jump = h.jump ? `, through ${'session' in h.jump ? h.jump.session : h.jump.name}` : '';
    lines.push(`  ${h.session} → ${user}@${host}:${port}, signs in with ${auth}${jump}`, ...indent(h.notes));
  }
  if (plan.keyOffers.length) lines.push('Key files (imported with --keys):');
  for (const k of plan.keyOffers) {
    const state =
      k.state === 'inVault'
        ? `already in the vault as “${k.inVault?.name ?? ''}”`
        : k.state === 'importable'
          ? `not in the vault yet${k.encrypted ? ', protected by a passphrase' : ''}`
          : (k.problem ?? k.state);
    lines.push(`  ${k.path}: ${state}${k.fingerprint ? ` (${k.fingerprint})` : ''}`);
  }
  if (plan.skipped.length) lines.push('Not imported:');
  for (const s of plan.skipped) lines.push(`  ${s.session}: ${s.reason}`);
  return lines.join('\n');
}

export function reportText(report: ImportReport): string {
  const lines = [`From ${report.from}:`];
  lines.push(report.imported.length ? 'Imported:' : 'Nothing was imported.');
  for (const item of report.imported)
    lines.push(
      `  ${item.kind} “${item.name}”${item.kind === 'key' ? ` from ${item.from}` : ''}`,
      ...indent(item.notes),
    );
  if (report.notImported.length) lines.push('Not imported:');
  for (const item of report.notImported) lines.push(`  ${item.kind} “${item.name}”: ${item.reason}`);
  return lines.join('\n');
}

/** The passphrase of each encrypted key, asked as a password is (the terminal, or one line of stdin each). */
async function keyChoices(
  context: CommandContext,
  plan: ImportPlan,
): Promise<{ path: string; passphrase?: string }[]> {
  if (context.options.keys !== true) return [];
  const keys: { path: string; passphrase?: string }[] = [];
  for (const offer of plan.keyOffers.filter((k) => k.state === 'importable')) {
    if (!offer.encrypted) keys.push({ path: offer.path });
    else {
      // No line for it on stdin: imported without one, and the report says it needs its passphrase.
      const passphrase = await readSecret(`Passphrase of ${offer.path}: `, 'passphrase').catch(
        () => undefined,
      );
      keys.push({ path: offer.path, ...(passphrase ? { passphrase } : {}) });
    }
  }
  return keys;
}

export const importCommands: Command[] = [
  {
    words: ['import'],
    options: {
      putty: { type: 'boolean' },
      'ssh-config': { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      keys: { type: 'boolean' },
    },
    args: { min: 0, max: 1 },
    async run(context) {
      const source = await sourceOf(context);
      const plan = await context.api.imports.preview(source);
      if (context.options['dry-run'] === true) {
        output(context, plan, () => planText(plan));
        return;
      }
      const report = await context.api.imports.apply(plan.source, { keys: await keyChoices(context, plan) });
      output(context, report, () => reportText(report));
    },
  },
];
