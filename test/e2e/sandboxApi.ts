/** The sandbox's platform API as the dashboard would call it: for the tests' own moves (stop, start). */
export class SandboxApi {
  private session: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly login = 'demo@sandbox.local',
    private readonly password = 'demo',
  ) {}

  async call(method: string, params: Record<string, string> = {}): Promise<Record<string, unknown>> {
    if (!this.session && method !== 'users/authentication/rest/signin') {
      const signedIn = await this.call('users/authentication/rest/signin', {
        login: this.login,
        password: this.password,
      });
      this.session = String(signedIn.session);
    }
    const body = new URLSearchParams({ ...(this.session ? { session: this.session } : {}), ...params });
    const response = await fetch(`${this.baseUrl}/1.0/${method}`, { method: 'POST', body });
    const answer = (await response.json()) as Record<string, unknown>;
    if (answer.result !== 0) throw new Error(`${method}: ${JSON.stringify(answer)}`);
    return answer;
  }

  stopEnvironment(envName: string) {
    return this.call('environment/control/rest/stopenv', { envName });
  }

  startEnvironment(envName: string) {
    return this.call('environment/control/rest/startenv', { envName });
  }

  async keys(): Promise<{ title: string; publicKey: string }[]> {
    const answer = await this.call('management/account/rest/getsshkeys', { isPrivate: 'false' });
    return answer.keys as { title: string; publicKey: string }[];
  }

  /** Adds a public key to the dashboard, as another computer of the same account would. */
  async addKey(title: string, publicKey: string): Promise<void> {
    await this.call('management/account/rest/addsshkey', { title, sshKey: publicKey, isPrivate: 'false' });
  }
}
