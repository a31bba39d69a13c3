/** Calls a platform API method the way the desktop app does, with GET or a form POST. */
export type ApiParams = Record<string, string>;
export interface ApiReply {
  status: number;
  body: { result: number; error?: string; source?: string } & Record<string, unknown>;
}

export async function callApi(
  base: string,
  path: string,
  params: ApiParams,
  method: 'GET' | 'POST' = 'POST',
): Promise<ApiReply> {
  const query = new URLSearchParams(params).toString();
  const url = `${base}/1.0/${path}`;
  const response =
    method === 'GET'
      ? await fetch(`${url}?${query}`)
      : await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: query,
        });
  return { status: response.status, body: (await response.json()) as ApiReply['body'] };
}

export async function signIn(base: string, login: string, password: string): Promise<string> {
  const reply = await callApi(base, 'users/authentication/rest/signin', { login, password });
  if (reply.body.result !== 0) throw new Error(`signin failed: ${JSON.stringify(reply.body)}`);
  return String(reply.body['session']);
}
