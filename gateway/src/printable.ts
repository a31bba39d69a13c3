/**
 * Names come from users (environment names, display names, node names): C0 and C1 control
 * characters, DEL, and the bidirectional overrides and isolates are removed wherever one is
 * printed to a terminal, so a crafted name cannot move the cursor, retitle someone's terminal
 * (`ESC ] 0 ;`), clear the screen, or show its text reversed (U+202E).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function clean(text: string): string {
  return text.replace(UNPRINTABLE, '');
}
