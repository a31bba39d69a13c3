import type { Unsubscribe } from '../../../shared/src/rpc/Emitter.ts';
import type { AppSettings } from '../../../shared/src/settings.ts';
import type { SettingsService } from '../settings/SettingsService.ts';
import type { TransferEngine } from './TransferEngine.ts';

/**
 * Keeps the transfer engine on the Settings page's values (concurrency, upload names and skip list):
 * the stored ones once the settings file has been read, then every change as it is made — the
 * concurrency to the transfers already queued too, the upload rules to uploads started after it.
 */
export function followTransferSettings(
  engine: Pick<TransferEngine, 'setConcurrency' | 'setUploadRules'>,
  settings: Pick<SettingsService, 'ready' | 'current' | 'events'>,
): Unsubscribe {
  const apply = ({ transfers }: AppSettings) => {
    engine.setConcurrency(transfers.concurrency);
    engine.setUploadRules({ normalizeNames: transfers.normalizeUploadNames, skip: transfers.uploadSkip });
  };
  const off = settings.events.on('changed', apply);
  // A settings file that cannot be read leaves the defaults, which the engine starts with anyway.
  void settings.ready().then(
    () => apply(settings.current()),
    () => undefined,
  );
  return off;
}
