import type { SshConfigScope } from '../../../shared/src/sshConfig.ts';
import { useCore } from '../host/HostContext.tsx';
import { useNotifier } from '../notify/Notifier.tsx';
import { errorMessage } from '../ui/errorMessage.ts';

const what = (scope: SshConfigScope): string =>
  scope.kind === 'all'
    ? 'every node'
    : scope.kind === 'environment'
      ? `environment ${scope.name}`
      : `node ${scope.nodeId}`;

/** The toast's line: the host names to type after `ssh` (the text itself is too long to show). */
export function copiedSummary(text: string): string {
  const hosts = [...text.matchAll(/^Host (\S+)$/gm)].map((match) => match[1]);
  const shown = hosts.slice(0, 4).join(', ') + (hosts.length > 4 ? ` and ${hosts.length - 4} more` : '');
  return hosts.length === 0
    ? 'No nodes.'
    : `${hosts.length === 1 ? 'Host' : `${hosts.length} hosts`}: ${shown}. Paste into ~/.ssh/config ` +
        '(the app’s agent must be on: Settings → SSH agent).';
}

/**
 * "Copy ssh config": asks the core for the Host entries (it also puts the gateway's key in the app's
 * known_hosts), copies them, and says so in a toast naming the hosts.
 */
export function useCopySshConfig(): (scope: SshConfigScope) => void {
  const core = useCore();
  const notifier = useNotifier();
  return (scope) => {
    core.sshConfig.text(scope).then(
      (text) =>
        navigator.clipboard.writeText(text).then(
          () => notifier.info(`Copied the ssh config for ${what(scope)}`, copiedSummary(text)),
          (e: unknown) => notifier.error(`Could not copy the ssh config for ${what(scope)}`, errorMessage(e)),
        ),
      (e: unknown) => notifier.error(`Could not make the ssh config for ${what(scope)}`, errorMessage(e)),
    );
  };
}
