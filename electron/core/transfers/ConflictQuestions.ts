import { randomUUID } from 'node:crypto';
import { Cancelled, InvalidInput } from '../../../shared/src/errors.ts';
import type { ConflictDecision, TransferConflict } from '../../../shared/src/transfers.ts';

interface Scope {
  /** The "apply to all" answer, once given. */
  decision?: ConflictDecision;
  /** The question being asked now; the next one waits for it, it may answer them all. */
  asking: Promise<void>;
}

interface Question {
  scope: string;
  resolve(decision: ConflictDecision): void;
}

/**
 * The `ask` conflict policy: one question at a time per scope (a folder or a batch), so that an
 * answer "for all" settles the ones behind it without the user seeing them.
 */
export class ConflictQuestions {
  private readonly scopes = new Map<string, Scope>();
  private readonly open = new Map<string, Question>();

  constructor(private readonly announce: (conflict: TransferConflict) => void) {}

  async ask(
    scopeKey: string,
    conflict: Omit<TransferConflict, 'id'>,
    signal: AbortSignal,
  ): Promise<ConflictDecision> {
    let scope = this.scopes.get(scopeKey);
    if (!scope) this.scopes.set(scopeKey, (scope = { asking: Promise.resolve() }));
    if (scope.decision) return scope.decision;

    const before = scope.asking;
    let release = (): void => undefined;
    scope.asking = new Promise<void>((resolve) => (release = resolve));
    try {
      await untilAborted(before, signal);
      if (scope.decision) return scope.decision;
      const id = randomUUID();
      return await untilAborted(
        new Promise<ConflictDecision>((resolve) => {
          this.open.set(id, { scope: scopeKey, resolve });
          this.announce({ id, ...conflict });
        }),
        signal,
        () => this.open.delete(id),
      );
    } finally {
      release();
    }
  }

  answer(id: string, decision: ConflictDecision, applyToAll: boolean): void {
    const question = this.open.get(id);
    if (!question) {
      throw new InvalidInput('That question was already answered, or its transfer was cancelled.');
    }
    this.open.delete(id);
    if (applyToAll) {
      const scope = this.scopes.get(question.scope);
      if (scope) scope.decision = decision;
    }
    question.resolve(decision);
  }

  /** Forgets the answers of scopes that have no job left. */
  forget(scopeKey: string): void {
    this.scopes.delete(scopeKey);
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, onAbort?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = (): void => {
      onAbort?.();
      reject(new Cancelled('The transfer was cancelled while waiting for an answer.'));
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
