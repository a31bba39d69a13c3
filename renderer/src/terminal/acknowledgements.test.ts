import { describe, expect, it } from 'vitest';
import { Acknowledgements } from './acknowledgements.ts';

describe('acknowledging drawn output', () => {
  it('sends what was drawn in one turn as one acknowledgement, after the turn, and nothing for an empty turn', () => {
    const sent: number[] = [];
    const tasks: (() => void)[] = [];
    const acks = new Acknowledgements(
      (bytes) => sent.push(bytes),
      (task) => tasks.push(task),
    );
    acks.add(100);
    acks.add(2000);
    acks.add(30);
    expect(sent).toEqual([]);
    expect(tasks).toHaveLength(1);
    tasks.shift()?.();
    expect(sent).toEqual([2130]);
    acks.add(7);
    expect(tasks).toHaveLength(1);
    tasks.shift()?.();
    expect(sent).toEqual([2130, 7]);
    acks.add(0);
    tasks.shift()?.();
    expect(sent).toEqual([2130, 7]);
  });

  it('sends by default once the current task ends (a microtask)', async () => {
    const sent: number[] = [];
    const acks = new Acknowledgements((bytes) => sent.push(bytes));
    acks.add(5);
    acks.add(6);
    expect(sent).toEqual([]);
    await Promise.resolve();
    expect(sent).toEqual([11]);
  });
});
