import { describe, expect, it } from 'vitest';
import { fitGrid } from './stageLayout';

describe('fitGrid', () => {
  it('gives one person the whole width of a wide stage', () => {
    expect(fitGrid(1, 800, 450, 8)).toEqual({ cols: 1, rows: 1, tileWidth: 800 });
  });

  it('puts two side by side on a wide stage and one above the other on a tall one', () => {
    expect(fitGrid(2, 1000, 400, 8).cols).toBe(2);
    expect(fitGrid(2, 400, 1000, 8).cols).toBe(1);
  });

  it('makes a 2 × 2 grid of four on a 16:9 stage, a 3-column grid of nine', () => {
    expect(fitGrid(4, 1600, 900, 0)).toMatchObject({ cols: 2, rows: 2, tileWidth: 800 });
    expect(fitGrid(9, 1600, 900, 0)).toMatchObject({ cols: 3, rows: 3 });
  });

  it('keeps every tile inside the box, gaps included', () => {
    for (const count of [1, 2, 3, 5, 7, 12, 25]) {
      const { cols, rows, tileWidth } = fitGrid(count, 900, 500, 8);
      expect(cols * tileWidth + (cols - 1) * 8).toBeLessThanOrEqual(900);
      expect(rows * (tileWidth / (16 / 9)) + (rows - 1) * 8).toBeLessThanOrEqual(500 + 1);
      expect(cols * rows).toBeGreaterThanOrEqual(count);
    }
  });

  it('never returns a negative size for an empty or unmeasured box', () => {
    expect(fitGrid(0, 800, 450, 8).tileWidth).toBe(800);
    expect(fitGrid(3, 0, 0, 8).tileWidth).toBe(0);
    expect(fitGrid(3, 10, 10, 8).tileWidth).toBeGreaterThanOrEqual(0);
  });
});
