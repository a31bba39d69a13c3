import { contentTypeOf, resolveStaticPath } from '../../webhost/staticFiles.ts';

/** The app's own scheme: the page is served from `app://enscale/`, never from `file://`. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'enscale';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** The address the window opens. */
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

export type AppFile = { file: string; contentType: string } | { status: 400 | 404 };

/**
 * The file of the built renderer (`root`) an `app://` request names, or why there is none: another
 * host is not found (404); a path that climbs out (`..`, also percent-encoded), holds a backslash or
 * a NUL is refused (400); a symlink leading outside the folder is not found. The path rules are the
 * browser host's (`resolveStaticPath`), so both hosts refuse the same requests.
 */
export async function resolveAppFile(root: string, requestUrl: string): Promise<AppFile> {
  // Parsed by hand: a URL parser would already have resolved `..` and `%2e%2e`, hiding the attempt.
  const prefix = `${APP_ORIGIN}/`;
  if (typeof requestUrl !== 'string' || !requestUrl.startsWith(prefix)) return { status: 404 };
  const resolved = await resolveStaticPath(root, requestUrl.slice(APP_ORIGIN.length));
  if ('status' in resolved) return resolved;
  return {
    file: resolved.file,
    contentType: contentTypeOf(resolved.file),
  };
}
