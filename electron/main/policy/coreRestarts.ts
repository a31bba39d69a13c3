/**
 * Whether a core that stopped unexpectedly is started again. A core that dies at start (a broken
 * native module, a data folder it cannot open) would otherwise be restarted by every page reload,
 * for ever; after `limit` failures within `windowMs` the window shows why instead and offers Retry.
 */
export class CoreRestarts {
  private failures: number[] = [];

  constructor(
    private readonly limit = 3,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a failure: 'restart' while within the budget, 'give up' once it is spent. */
  failed(): 'restart' | 'give up' {
    const at = this.now();
    this.failures = [...this.failures.filter((time) => at - time < this.windowMs), at];
    return this.failures.length > this.limit ? 'give up' : 'restart';
  }

  /** The user asked to try again: a fresh budget. */
  reset(): void {
    this.failures = [];
  }
}

/** The last `count` non-empty lines of what the core wrote to stderr, oldest first. */
export class ErrorTail {
  private lines: string[] = [];

  constructor(private readonly count = 12) {}

  add(line: string): void {
    if (!line.trim()) return;
    this.lines = [...this.lines, line.slice(0, 500)].slice(-this.count);
  }

  text(): string {
    return this.lines.join('\n');
  }
}
