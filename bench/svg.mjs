// Minimal SVG charts for the reproduction report: line plots (log axes) and heatmaps. No
// chart library; the output is plain SVG a browser or GitHub renders.

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

const fmt = (v) => {
  if (v === 0) return '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const e = Math.floor(Math.log10(Math.abs(v)));
  return Math.abs(e) >= 3 ? `1e${e}` : String(+v.toPrecision(2));
};

/**
 * A line plot at (x, y) of size w×h. series: [{ label, color, xs, ys }]. Non-finite or (log)
 * non-positive points break the line.
 */
export function linePlot({ x = 0, y = 0, w = 360, h = 220, title = '', series, logY = false, xLabel = 'step', yLabel = '', legend = true }) {
  const pad = { l: 52, r: 8, t: 20, b: 30 };
  const tr = (v) => (logY ? Math.log10(v) : v);
  const ok = (v) => Number.isFinite(v) && (!logY || v > 0);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    s.xs.forEach((xv, i) => {
      if (!ok(s.ys[i])) return;
      x0 = Math.min(x0, xv); x1 = Math.max(x1, xv);
      y0 = Math.min(y0, tr(s.ys[i])); y1 = Math.max(y1, tr(s.ys[i]));
    });
  }
  if (!Number.isFinite(x0)) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  if (logY) { y0 = Math.floor(y0); y1 = Math.ceil(y1); if (y1 - y0 > 12) y0 = y1 - 12; }
  if (y1 === y0) { y0 -= 1; y1 += 1; }
  if (x1 === x0) x1 = x0 + 1;
  const px = (v) => x + pad.l + ((v - x0) / (x1 - x0)) * (w - pad.l - pad.r);
  const py = (v) => y + pad.t + (1 - (Math.max(y0, Math.min(y1, v)) - y0) / (y1 - y0)) * (h - pad.t - pad.b);
  const out = [`<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="white"/>`];
  out.push(`<text x="${x + w / 2}" y="${y + 14}" text-anchor="middle" font-size="12" font-weight="bold">${esc(title)}</text>`);
  const ticks = logY ? Array.from({ length: y1 - y0 + 1 }, (_, i) => y0 + i).filter((_, i, a) => a.length <= 7 || i % Math.ceil(a.length / 6) === 0)
    : Array.from({ length: 5 }, (_, i) => y0 + (i * (y1 - y0)) / 4);
  for (const t of ticks) {
    out.push(`<line x1="${x + pad.l}" x2="${x + w - pad.r}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
    out.push(`<text x="${x + pad.l - 4}" y="${py(t) + 4}" text-anchor="end" font-size="10">${logY ? `1e${t}` : fmt(t)}</text>`);
  }
  out.push(`<line x1="${x + pad.l}" x2="${x + pad.l}" y1="${y + pad.t}" y2="${y + h - pad.b}" stroke="#333"/>`);
  out.push(`<line x1="${x + pad.l}" x2="${x + w - pad.r}" y1="${y + h - pad.b}" y2="${y + h - pad.b}" stroke="#333"/>`);
  for (const t of [x0, (x0 + x1) / 2, x1]) out.push(`<text x="${px(t)}" y="${y + h - pad.b + 12}" text-anchor="middle" font-size="10">${fmt(Math.round(t))}</text>`);
  out.push(`<text x="${x + (pad.l + w) / 2}" y="${y + h - 4}" text-anchor="middle" font-size="10">${esc(xLabel)}</text>`);
  if (yLabel) out.push(`<text x="${x + 10}" y="${y + h / 2}" font-size="10" transform="rotate(-90 ${x + 10} ${y + h / 2})" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s) => {
    let d = '', pen = false;
    s.xs.forEach((xv, i) => {
      if (!ok(s.ys[i])) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${px(xv).toFixed(1)},${py(tr(s.ys[i])).toFixed(1)}`;
      pen = true;
    });
    if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.4"${s.dash ? ' stroke-dasharray="4 3"' : ''}><title>${esc(s.label)}</title></path>`);
  });
  if (legend) {
    series.forEach((s, i) => {
      const lx = x + pad.l + 6 + Math.floor(i / 6) * 110, ly = y + pad.t + 10 + (i % 6) * 12;
      out.push(`<line x1="${lx}" x2="${lx + 14}" y1="${ly - 3}" y2="${ly - 3}" stroke="${s.color}" stroke-width="2"${s.dash ? ' stroke-dasharray="4 3"' : ''}/>`);
      out.push(`<text x="${lx + 18}" y="${ly}" font-size="9">${esc(s.label)}</text>`);
    });
  }
  return out.join('\n');
}

/** Colour for t in [0, 1]: green (good) → yellow → red (bad). */
function heat(t) {
  const c = Math.max(0, Math.min(1, t));
  const r = Math.round(c < 0.5 ? 40 + 400 * c : 240), g = Math.round(c < 0.5 ? 170 + 120 * c : 230 - 360 * (c - 0.5)), b = 60;
  return `rgb(${Math.min(255, r)},${Math.max(0, Math.min(255, g))},${b})`;
}

/**
 * A heatmap: rows × cols of { value (lower is better; NaN = diverged), text }. Colour by
 * log10(value) between lo and hi.
 */
export function heatmap({ title, rows, cols, cells, lo, hi, note = '' }) {
  const cw = 62, ch = 18, left = 150, top = 40;
  const w = left + cols.length * cw + 10, h = top + rows.length * ch + 40;
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">`, `<rect width="${w}" height="${h}" fill="white"/>`];
  out.push(`<text x="${w / 2}" y="16" text-anchor="middle" font-size="13" font-weight="bold">${esc(title)}</text>`);
  cols.forEach((c, j) => { out.push(`<text x="${left + j * cw + cw / 2}" y="${top - 6}" text-anchor="middle" font-size="10">${esc(c)}</text>`); });
  rows.forEach((r, i) => {
    out.push(`<text x="${left - 6}" y="${top + i * ch + 13}" text-anchor="end" font-size="10">${esc(r)}</text>`);
    cols.forEach((_, j) => {
      const cell = cells[i][j];
      if (!cell) return;
      const bad = !Number.isFinite(cell.value);
      const t = bad ? 1 : (Math.log10(Math.max(cell.value, 1e-300)) - lo) / (hi - lo || 1);
      out.push(`<rect x="${left + j * cw}" y="${top + i * ch}" width="${cw - 1}" height="${ch - 1}" fill="${bad ? '#555' : heat(t)}"/>`);
      out.push(`<text x="${left + j * cw + cw / 2}" y="${top + i * ch + 12.5}" text-anchor="middle" font-size="9" fill="${bad ? 'white' : 'black'}">${esc(cell.text)}</text>`);
    });
  });
  out.push(`<text x="8" y="${h - 10}" font-size="9">${esc(note)}</text>`);
  out.push('</svg>');
  return out.join('\n');
}

export function svg(w, h, body) {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">\n<rect width="${w}" height="${h}" fill="white"/>\n${body}\n</svg>\n`;
}
