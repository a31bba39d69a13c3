import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ARTIFACTS, screenshot } from './appUnderTest.ts';

/** axe-core's browser build, read once. Put in the page by DevTools evaluation, which the page's CSP does not govern. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

type AxeWindow = {
  axe?: {
    run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[]; passes: unknown[] }>;
  };
  document: unknown;
};

/**
 * Audits the screen as it is now with axe-core (WCAG 2.x A and AA rules and best practices) and
 * fails on any serious or critical violation, naming the rule, the elements and how to fix them.
 * The whole result, minor findings included, is written to test-results/e2e/axe-SCREEN.json.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  if (!(await page.evaluate(() => Boolean((globalThis as unknown as AxeWindow).axe)))) {
    await page.evaluate(AXE_SOURCE);
  }
  const result = await page.evaluate(async () => {
    const w = globalThis as unknown as AxeWindow;
    return w.axe!.run(w.document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
      },
      resultTypes: ['violations'],
    });
  });
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `axe-${screen}.json`), `${JSON.stringify(result.violations, null, 2)}\n`);
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes.map((n) => `  ${JSON.stringify(n.target)}: ${n.failureSummary ?? ''}`).join('\n'),
    );
  expect(serious, `axe on the ${screen} screen`).toEqual([]);
}

/** A screen the test has brought up: photographed (test-results/e2e/NAME.png) and audited. */
export async function showScreen(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  await expectAccessible(page, name);
}
