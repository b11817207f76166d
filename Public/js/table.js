// A virtualized two-column table: only the rows in view are in the DOM, so 10 000+ rows stay smooth.
import { format, formatBand } from './chart.js';

const ROW = 28;

export class Grid {
  constructor(container, spacer, rows) {
    Object.assign(this, { container, spacer, rows, entries: [], filter: '', sortBy: 'name', ascending: true, flashes: new Map() });
    this.onScroll = () => this.render();
    container.addEventListener('scroll', this.onScroll);
  }

  /** Stops rendering: the next model's grid takes the same elements. */
  close() {
    this.container.removeEventListener('scroll', this.onScroll);
    clearTimeout(this.settle);
    this.closed = true;
  }

  /** Sets the rows: [name, value, band] (band `[down, up]` or undefined); `changed` names flash briefly. */
  set(entries, changed = []) {
    const now = performance.now();
    for (const name of changed) this.flashes.set(name, now);
    this.entries = entries;
    this.sorted = null;
  }

  setFilter(text) { this.filter = text.toLowerCase(); this.sorted = null; this.container.scrollTop = 0; }

  sort(by) {
    this.ascending = this.sortBy === by ? !this.ascending : true;
    this.sortBy = by;
    this.sorted = null;
  }

  view() {
    if (!this.sorted) {
      const filtered = this.filter ? this.entries.filter(([name]) => name.toLowerCase().includes(this.filter)) : this.entries.slice();
      const direction = this.ascending ? 1 : -1;
      if (this.sortBy === 'value') filtered.sort((a, b) => direction * (a[1] - b[1]));
      else filtered.sort((a, b) => direction * (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      this.sorted = filtered;
    }
    return this.sorted;
  }

  render() {
    if (this.closed) return;
    const rows = this.view();
    this.spacer.style.height = `${rows.length * ROW}px`;
    const first = Math.max(0, Math.floor(this.container.scrollTop / ROW) - 5);
    const count = Math.ceil(this.container.clientHeight / ROW) + 10;
    const now = performance.now();
    const fragment = document.createDocumentFragment();
    for (const [name, value, band] of rows.slice(first, first + count)) {
      const row = document.createElement('div');
      row.className = 'r';
      row.setAttribute('role', 'row');
      const flashedAt = this.flashes.get(name);
      if (flashedAt !== undefined && now - flashedAt < 600) row.classList.add('flash');
      const label = document.createElement('span');
      label.setAttribute('role', 'gridcell');
      label.textContent = name;
      const number = document.createElement('span');
      number.setAttribute('role', 'gridcell');
      number.textContent = format(value);
      number.dataset.value = String(value);
      const range = document.createElement('span');
      range.setAttribute('role', 'gridcell');
      range.className = 'band';
      range.textContent = formatBand(band);
      if (band) range.dataset.band = JSON.stringify(band);
      row.append(label, number, range);
      fragment.append(row);
    }
    this.rows.style.top = `${first * ROW}px`;
    this.rows.replaceChildren(fragment);
    for (const [name, at] of this.flashes) if (now - at > 600) this.flashes.delete(name);
    // Render once more when the flashes are over, so highlighted cells settle.
    if (this.flashes.size > 0 && !this.settle) {
      this.settle = setTimeout(() => { this.settle = null; this.render(); }, 650);
    }
  }
}
