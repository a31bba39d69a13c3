import type { EventSource } from '../../../shared/src/rpc/Emitter.ts';
import type { TerminalEvents } from '../../../shared/src/terminals.ts';

/** What the helpers need of a terminal service (SSH or local): its events and `ack`. */
export interface TerminalLike {
  readonly events: EventSource<TerminalEvents>;
  ack(id: string, bytes: number): Promise<void>;
}

/** Collects a terminal's output, acknowledging it as a screen would, until `until` matches. */
export function outputUntil(terminals: TerminalLike, id: string, until: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const decoder = new TextDecoder();
    const stop = terminals.events.on('data', (event) => {
      if (event.id !== id) return;
      text += decoder.decode(event.data, { stream: true });
      void terminals.ack(id, event.data.length);
      if (until.test(text)) {
        stop();
        resolve(text);
      }
    });
  });
}

/** The terminal's exit event. */
export function exitOf(terminals: TerminalLike, id: string): Promise<TerminalEvents['exit']> {
  return new Promise((resolve) => {
    const stop = terminals.events.on('exit', (event) => {
      if (event.id === id) {
        stop();
        resolve(event);
      }
    });
  });
}
