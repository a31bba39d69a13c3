import { describe, expect, it } from 'vitest';
import type { Environment } from '../../../shared/src/platform.ts';
import type { EnvironmentList } from '../../../shared/src/platformService.ts';
import { environmentHold } from './environmentHold.ts';

const env = (envName: string, status: number) => ({ envName, status, nodes: [] }) as unknown as Environment;
const list = (offline: boolean, ...environments: Environment[]): EnvironmentList => ({
  environments,
  offline,
  fetchedAt: 0,
});

describe('why a node tab is held', () => {
  it('holds the tabs of a stopped or sleeping environment, naming it and the way back', () => {
    const current = list(false, env('shop', 2), env('blog', 4), env('api', 1));
    expect(environmentHold(current, {}, 'shop')).toMatch(
      /^Environment shop is stopped: .*Start it from the sidebar/,
    );
    expect(environmentHold(current, {}, 'blog')).toMatch(/^Environment blog is sleeping/);
    expect(environmentHold(current, {}, 'api')).toBeUndefined();
  });

  it('holds as soon as this app stops it, before the platform answers', () => {
    const running = list(false, env('shop', 1));
    expect(environmentHold(running, { shop: 'stop' }, 'shop')).toMatch(
      /^Environment shop is being stopped from this app/,
    );
    expect(environmentHold(running, { shop: 'sleep' }, 'shop')).toMatch(
      /^Environment shop is being put to sleep from this app/,
    );
    expect(environmentHold(list(false, env('shop', 2)), { shop: 'start' }, 'shop')).toMatch(/stopped/);
  });

  it('trusts no status of an offline copy of the list, nor of an environment it does not list', () => {
    expect(environmentHold(list(true, env('shop', 2)), {}, 'shop')).toBeUndefined();
    expect(environmentHold(null, {}, 'shop')).toBeUndefined();
    expect(environmentHold(list(false), {}, 'shop')).toBeUndefined();
  });
});
