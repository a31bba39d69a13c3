/** A thrown value as a sentence for the screen: the core's typed errors already carry one. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

/** The typed error's stable code (`SignedOut`, `HostKeyChanged`, …), or undefined. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
