import type { TunnelInfo } from '../../../shared/src/tunnels.ts';
import { note, output, type Command } from '../command.ts';
import { interruptSignal } from '../interrupt.ts';
import { gatewayTarget, parseNodeId } from '../targets.ts';
import { UsageError } from '../usage.ts';

/** `[LOCAL_PORT:]REMOTE_PORT`, as `ssh -L` writes its ports; a local port of 0 or none picks a free one. */
export function parsePorts(text: string | undefined): { localPort?: number; remotePort: number } {
  const match = /^(?:(\d{1,5}):)?(\d{1,5})$/.exec(text ?? '');
  const local = match?.[1] === undefined ? undefined : Number(match[1]);
  const remote = Number(match?.[2]);
  if (!match || remote < 1 || remote > 65535 || (local !== undefined && local > 65535)) {
    throw new UsageError(
      `Ports are [LOCAL_PORT:]REMOTE_PORT, e.g. 3306 or 13306:3306 (1–65535; a local 0 picks a free one), not '${text ?? ''}'.`,
    );
  }
  return { remotePort: remote, ...(local ? { localPort: local } : {}) };
}

/** What a change of the tunnel means to the person watching, or nothing worth a line. */
function stateNote(info: TunnelInfo, previous: TunnelInfo | undefined): string | undefined {
  if (info.state === 'reconnecting' && info.retryAt !== undefined) {
    const seconds = Math.max(1, Math.round((info.retryAt - Date.now()) / 1000));
    return `${info.error ?? 'Reconnecting.'} Trying again in ${seconds} s; the local port stays open.`;
  }
  if (info.state === 'open' && previous?.state === 'reconnecting') return 'Reconnected.';
  if (info.state === 'open' && info.error && info.error !== previous?.error) return info.error;
  return undefined;
}

/**
 * `enscale-ssh tunnel NODE [LOCAL_PORT:]REMOTE_PORT`: like `ssh -N -L 127.0.0.1:LOCAL:127.0.0.1:REMOTE`
 * through the gateway, until Ctrl-C. The local address goes to stdout (with --json, one ready line);
 * what happens later — a dropped gateway, a port nothing answers on — to stderr.
 */
export const tunnelCommands: Command[] = [
  {
    words: ['tunnel'],
    args: { min: 2, max: 2 },
    async run(context) {
      const nodeId = parseNodeId(context.args[0]);
      const ports = parsePorts(context.args[1]);
      const target = await gatewayTarget(context, nodeId);
      const { tunnels } = context.api;
      let id: string | undefined;
      let previous: TunnelInfo | undefined;
      let failed: (message: string) => void = () => undefined;
      const ended = new Promise<string>((resolve) => (failed = resolve));
      const stop = tunnels.events.on('changed', (info) => {
        if (info.id !== id) return;
        if (info.state === 'failed') failed(info.error ?? 'The tunnel failed.');
        const line = stateNote(info, previous);
        if (line) note(`enscale-ssh: ${line}`);
        previous = info;
      });
      const interrupt = interruptSignal();
      const interrupted = new Promise<void>((resolve) =>
        interrupt.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
      try {
        const info = await tunnels.open({ target, ...ports });
        id = info.id;
        previous = info;
        if (info.state === 'failed') throw new Error(info.error ?? 'The tunnel failed.');
        const ready = {
          local: { host: info.local.host, port: info.local.port },
          remote: { node: nodeId, port: info.remote.port },
        };
        // One line, as a script waiting for the tunnel reads it (output() would spread it over
        // several); it holds only numbers and our own loopback address.
        const text = `Forwarding ${info.local.host}:${info.local.port} to port ${info.remote.port} on node ${nodeId}. Ctrl-C stops.`;
        if (context.json) process.stdout.write(`${JSON.stringify(ready)}\n`);
        else output(context, ready, () => text);
        if (info.error) note(`enscale-ssh: ${info.error}`);
        const outcome = await Promise.race([ended, interrupted]);
        if (typeof outcome === 'string') throw new Error(outcome);
        return 0;
      } finally {
        interrupt.dispose();
        stop();
        if (id) await tunnels.close(id).catch(() => undefined);
      }
    },
  },
];
