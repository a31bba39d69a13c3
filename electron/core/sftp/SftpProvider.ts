import type { SFTPWrapper } from 'ssh2';
import type { ConnectionTarget } from '../../../shared/src/connections.ts';

/**
 * Where SFTP channels come from; the connection layer implements it (one channel per target, reused).
 * Its connections should have TCP_NODELAY set (`client.setNoDelay(true)`): otherwise Nagle's
 * algorithm holds back the small read requests and downloads run 3–5× slower.
 */
export interface SftpProvider {
  sftp(target: ConnectionTarget): Promise<SFTPWrapper>;
}
