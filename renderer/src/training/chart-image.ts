/**
 * The learning-curve charts as one PNG: each chart's canvas (uPlot draws its lines and axes
 * there) on white, under its title and a legend of its series, side by side.
 */

export interface ChartPicture {
  title: string;
  canvas: HTMLCanvasElement;
  legend: ReadonlyArray<{ label: string; stroke: string }>;
}

const PADDING = 12;
const TITLE_HEIGHT = 22;
const LEGEND_HEIGHT = 20;
const FONT = 'system-ui, sans-serif';

/** Draws the charts side by side on one white canvas and returns it as PNG bytes. */
export async function chartsToPng(charts: readonly ChartPicture[]): Promise<Blob> {
  if (charts.length === 0) throw new Error('there is no chart to save');
  const scale = charts[0].canvas.width / Math.max(1, charts[0].canvas.clientWidth || charts[0].canvas.width);
  const header = (TITLE_HEIGHT + LEGEND_HEIGHT) * scale;
  const width = charts.reduce((sum, c) => sum + c.canvas.width, 0) + PADDING * scale * (charts.length + 1);
  const height = Math.max(...charts.map((c) => c.canvas.height)) + header + PADDING * scale * 2;
  const out = document.createElement('canvas');
  out.width = Math.ceil(width);
  out.height = Math.ceil(height);
  const ctx = out.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw the chart image');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  let x = PADDING * scale;
  for (const chart of charts) {
    const top = PADDING * scale;
    ctx.fillStyle = '#1d2330';
    ctx.font = `600 ${13 * scale}px ${FONT}`;
    ctx.textBaseline = 'top';
    ctx.fillText(chart.title, x, top);
    ctx.font = `${11 * scale}px ${FONT}`;
    let legendX = x;
    const legendY = top + TITLE_HEIGHT * scale;
    for (const { label, stroke } of chart.legend) {
      ctx.fillStyle = stroke;
      ctx.fillRect(legendX, legendY + 5 * scale, 12 * scale, 3 * scale);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(label, legendX + 16 * scale, legendY);
      legendX += 22 * scale + ctx.measureText(label).width;
    }
    ctx.drawImage(chart.canvas, x, top + header);
    x += chart.canvas.width + PADDING * scale;
  }
  return new Promise((resolve, reject) =>
    out.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('the chart image could not be encoded'))),
      'image/png',
    ),
  );
}
