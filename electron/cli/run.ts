import { main, reportError } from './main.ts';

const flushed = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));

/**
 * The process around `main`: nothing escapes as a stack trace, and the process ends with the
 * command's status once its output is written, even if a connection or a port still holds the loop.
 */
export async function run(argv: string[]): Promise<never> {
  const fail = (error: unknown) => {
    reportError(error);
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  // A closed pipe downstream (`enscale-ssh envs | head -1`) is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    fail(error);
  });
  const status = await main(argv);
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(status);
}
