import type { CoreContract } from '../../shared/src/contract.ts';
import type { AgentRun } from '../core/agent/AgentControl.ts';
import { printable, terminalJson } from '../../shared/src/printable.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
}

/** What a command gets: the core (through the RPC) and its own part of the command line. */
export interface CommandContext {
  api: CoreContract;
  json: boolean;
  /** The command's options, by long name. */
  options: Record<string, string | boolean | undefined>;
  /** Positional arguments after the command's words and before `--`. */
  args: string[];
  /** Everything after `--`. */
  rest: string[];
}

export interface Command {
  /** The words that name it: `['keys', 'generate']`. */
  words: string[];
  options?: Record<string, OptionSpec>;
  /** How many positional arguments it takes. */
  args: { min: number; max: number };
  /** Whether it takes arguments after `--`. */
  rest?: boolean;
  /** What the core serves besides the contract while the command runs (`agent`: the agent socket). */
  serves?(options: CommandContext['options']): { agent?: AgentRun };
  /** Resolves with the exit status (0 when nothing is returned). */
  run(context: CommandContext): Promise<number> | Promise<void>;
}

/** An option's value as a string, or undefined; parseArgs has already checked its type. */
export const stringOption = (context: CommandContext, name: string): string | undefined => {
  const value = context.options[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Prints the command's one JSON document, or its text for people. Both pass through one gate that
 * removes terminal controls: the text is made of platform and node strings (names, titles) that a
 * hostile tenant or node chose.
 */
export function output(context: CommandContext, value: unknown, text: () => string): void {
  if (context.json) process.stdout.write(`${terminalJson(value)}\n`);
  else {
    const lines = printable(text());
    if (lines) process.stdout.write(lines.endsWith('\n') ? lines : `${lines}\n`);
  }
}

/** Progress and notes for people go to stderr, so stdout stays the command's result. */
export const note = (text: string): void => void process.stderr.write(`${printable(text)}\n`);
