/** A port as typed: a whole number in range, or why not. Empty is allowed where `optional`. */
export function portProblem(text: string, optional: boolean): string | undefined {
  const value = text.trim();
  if (value === '') return optional ? undefined : 'Enter the port on the node, e.g. 3306 or 8080.';
  if (!/^\d{1,5}$/.test(value) || Number(value) < (optional ? 0 : 1) || Number(value) > 65535)
    return `A port is a whole number from ${optional ? 0 : 1} to 65535.`;
  return undefined;
}
