/** How the stage lays out its video tiles: a grid whose column count gives every tile the most room. */
export interface GridFit {
  cols: number;
  rows: number;
  /** Width of one tile in CSS pixels (height = width / aspect). */
  tileWidth: number;
}

/**
 * The column count that makes `count` tiles of `aspect` (width / height) as large as possible inside a
 * `width` × `height` box with `gap` px between tiles. Pure: the stage measures its box and applies this.
 */
export function fitGrid(count: number, width: number, height: number, gap: number, aspect = 16 / 9): GridFit {
  if (count <= 0 || width <= 0 || height <= 0) return { cols: 1, rows: 1, tileWidth: Math.max(0, width) };
  let best: GridFit = { cols: 1, rows: count, tileWidth: 0 };
  for (let cols = 1; cols <= count; cols++) {
    const rows = Math.ceil(count / cols);
    const byWidth = (width - (cols - 1) * gap) / cols;
    const byHeight = ((height - (rows - 1) * gap) / rows) * aspect;
    const tileWidth = Math.floor(Math.min(byWidth, byHeight));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth };
  }
  return { ...best, tileWidth: Math.max(0, best.tileWidth) };
}
