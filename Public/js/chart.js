// The objective over time on a canvas: drawn at most once per animation frame.

export class Chart {
  constructor(canvas, capacity = 600) {
    Object.assign(this, { canvas, capacity, points: [] });
  }

  add(value) {
    if (!Number.isFinite(value)) return;
    this.points.push(value);
    if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
  }

  clear() { this.points = []; }

  draw() {
    const { canvas, points } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    if (canvas.width !== width * ratio) { canvas.width = width * ratio; canvas.height = height * ratio; }
    const g = canvas.getContext('2d');
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    if (points.length < 2) return;
    let low = Math.min(...points), high = Math.max(...points);
    if (low === high) { low -= 1; high += 1; }
    const style = getComputedStyle(document.documentElement);
    g.strokeStyle = style.getPropertyValue('--line').trim() || '#0a5bd3';
    g.lineWidth = 1.5;
    g.beginPath();
    points.forEach((v, i) => {
      const x = 8 + (i / (this.capacity - 1)) * (width - 16);
      const y = height - 8 - ((v - low) / (high - low)) * (height - 28);
      i === 0 ? g.moveTo(x, y) : g.lineTo(x, y);
    });
    g.stroke();
    g.fillStyle = style.getPropertyValue('--muted').trim() || '#57606a';
    g.font = '12px system-ui';
    g.fillText(`${format(high)}`, 8, 14);
    g.fillText(`${format(low)}`, 8, height - 12);
  }
}

/** A stability band `[down, up]` (null for an unbounded side) as text. */
export function formatBand(band) {
  if (!band) return '';
  const [down, up] = band;
  return `[${down === null ? '−∞' : format(down)}, ${up === null ? '∞' : format(up)}]`;
}

export function format(value) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  return abs !== 0 && (abs >= 1e7 || abs < 1e-4) ? value.toExponential(6) : Number(value.toPrecision(10)).toString();
}
