import type { Unsubscribe } from '../../../shared/src/rpc/Emitter.ts';
import type { AppSettings } from '../../../shared/src/settings.ts';
import type { SettingsService } from '../settings/SettingsService.ts';
import type { TransferEngine } from './TransferEngine.ts';

/**
 * Keeps the transfer engine on the Settings page's values (concurrency, conflict policy, upload names
 * and skip list): the stored ones once the settings file has been read — transfers asked for before
 * then wait — and every change as it is made: the concurrency to the transfers already queued too,
 * the policy and upload rules to transfers queued after it.
 */
export function followTransferSettings(
  engine: Pick<TransferEngine, 'setConcurrency' | 'setUploadRules' | 'setConflictPolicy' | 'holdUntil'>,
  settings: Pick<SettingsService, 'ready' | 'current' | 'events'>,
): Unsubscribe {
  const apply = ({ transfers }: AppSettings) => {
    engine.setConcurrency(transfers.concurrency);
    engine.setConflictPolicy(transfers.conflict);
    engine.setUploadRules({ normalizeNames: transfers.normalizeUploadNames, skip: transfers.uploadSkip });
  };
  const off = settings.events.on('changed', apply);
  // A settings file that cannot be read leaves the defaults, which the engine starts with anyway.
  engine.holdUntil(settings.ready().then(() => apply(settings.current())));
  return off;
}
