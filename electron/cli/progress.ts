const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

const formatEta = (seconds: number | null): string => {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
    : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * One line of progress on stderr, redrawn in place — only on a terminal, so logs and pipes get
 * nothing but the result.
 */
export class ProgressBar {
  private readonly stream = process.stderr;
  readonly enabled = this.stream.isTTY === true;
  private drawn = false;

  constructor(private readonly label: string) {}

  update(bytes: number, total: number, rate: number, eta: number | null = null): void {
    if (!this.enabled) return;
    const width = this.stream.columns || 80;
    const percent = total > 0 ? Math.min(100, Math.floor((bytes / total) * 100)) : 0;
    const facts = ` ${String(percent).padStart(3)}% ${formatBytes(bytes)}${total > 0 ? ` / ${formatBytes(total)}` : ''}  ${formatBytes(rate)}/s ${formatEta(eta)}`;
    const label = this.label.length > 24 ? `…${this.label.slice(-23)}` : this.label;
    const barWidth = Math.max(0, width - label.length - facts.length - 4);
    const filled = total > 0 ? Math.round((barWidth * Math.min(bytes, total)) / total) : 0;
    const bar = barWidth > 0 ? ` [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]` : '';
    this.stream.write(`\r${label}${bar}${facts}`.slice(0, width - 1).padEnd(width - 1));
    this.drawn = true;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
    this.drawn = false;
  }
}
