// Layout of the two-column card grids (dashboards): a card left alone on its row would leave a
// hole beside it, so it takes the whole row like the wide cards do.

/** Which cards take a whole row: the wide ones, and any card with no neighbour on its row. */
export function fullRows(wide: readonly boolean[]): boolean[] {
  const out = [...wide];
  let column = 0;
  for (let i = 0; i < wide.length; i++) {
    if (wide[i]) {
      column = 0;
      continue;
    }
    if (column === 0 && (i === wide.length - 1 || wide[i + 1])) out[i] = true;
    else column = 1 - column;
  }
  return out;
}
