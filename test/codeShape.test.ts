import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The size rules of the brief, checked on every file git tracks: no source file outside bench/
 * over 400 lines, and no React component (a function in renderer/ returning JSX) over 200.
 */

const ROOT = join(import.meta.dirname, '..');
const tracked = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.tsx', '*.mjs', '*.js'], {
  cwd: ROOT,
  encoding: 'utf8',
})
  .split('\0')
  .filter((file) => file && !file.startsWith('bench/'));

const lines = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0);

/** The functions of a .tsx file that contain JSX, with their length in lines. */
function components(file: string): { name: string; length: number }[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(ROOT, file), 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const found: { name: string; length: number }[] = [];
  const hasJsx = (node: ts.Node): boolean =>
    ts.isJsxElement(node) ||
    ts.isJsxSelfClosingElement(node) ||
    ts.isJsxFragment(node) ||
    ts.forEachChild(node, hasJsx) === true;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (hasJsx(node)) found.push({ name: `${file}:${start + 1}`, length: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('code shape', () => {
  it('has no source file outside bench/ over 400 lines', () => {
    expect(tracked.length).toBeGreaterThan(300);
    const long = tracked
      .map((file) => ({ file, length: lines(readFileSync(join(ROOT, file), 'utf8')) }))
      .filter(({ length }) => length > 400);
    expect(long).toEqual([]);
  });

  it('has no React component over 200 lines', () => {
    const tsx = tracked.filter((file) => file.startsWith('renderer/') && file.endsWith('.tsx'));
    expect(tsx.length).toBeGreaterThan(50);
    const long = tsx.flatMap(components).filter(({ length }) => length > 200);
    expect(long).toEqual([]);
  });
});
