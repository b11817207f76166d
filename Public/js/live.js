// One model, live: a subscription's whole views (js/livesolve.js), a chart, stats, the
// solution grid, parameter controls and a price feed. Renders at most once per animation frame.
import { client, rest } from './api.js';
import { Chart, format, formatBand } from './chart.js';
import { Grid } from './table.js';

const FIELDS = ['values', 'duals', 'reducedCosts', 'rowActivities'];
// Stability bands: the grid shows a column's cost band beside its value and reduced cost, a
// row's bound band beside its dual and activity; each parameter its own (PROTOCOL.md).
const BANDS = ['costRanges', 'rhsRanges', 'parameterRanges'];
const BAND_OF = { values: 'costRanges', reducedCosts: 'costRanges', duals: 'rhsRanges', rowActivities: 'rhsRanges' };
// A parameter this close to an edge of its band, as a share of the band's width, is marked.
const NEAR_EDGE = 0.1;
// Bands cost the worker a ranging pass per solve (seconds on dfl001): on by default only up to
// this many rows and columns.
const BANDS_BY_DEFAULT = 2000;
let view = null;

export function showModel(id) {
  view?.close();
  view = new LiveView(id);
}

export function hideModel() { view?.close(); view = null; }

class LiveView {
  constructor(id) {
    this.id = id;
    this.maps = Object.fromEntries([...FIELDS, ...BANDS].map((f) => [f, Object.create(null)]));  // the newest view's, by field
    this.changed = Object.fromEntries([...FIELDS, ...BANDS].map((f) => [f, []]));
    this.field = 'values';
    this.solution = null;
    this.awaiting = [];          // { seq, sentAt } of this page's updates, for end-to-end latency
    this.latencies = [];
    this.chart = new Chart(document.getElementById('chart'));
    this.grid = new Grid(document.getElementById('grid'), document.getElementById('grid-spacer'), document.getElementById('grid-rows'));
    this.frame = null;
    this.bindControls();
    this.loadParameters();
    this.watch();
  }

  /** Subscribes (again), with the bands when they are shown: a fresh snapshot follows. */
  async watch() {
    // A new subscription to the same model ends the one before: its loop stops here.
    const subscription = client.subscribe(this.id, { fields: this.showsBands ? [...FIELDS, ...BANDS] : FIELDS });
    this.subscription = subscription;
    try {
      for await (const solution of subscription) {
        if (this.closed) break;
        this.apply(solution);
      }
    } catch (error) {
      if (this.closed) return;
      document.getElementById('feed-error').textContent = `${error.code}: ${error.message}`;
      if (error.code === 'unknown_model') {
        document.getElementById('status').textContent = 'deleted';
        this.stopFeed();
      }
    }
  }

  showBands(on) {
    this.showsBands = on;
    document.getElementById('bands-toggle').checked = on;
    for (const field of BANDS) this.maps[field] = Object.create(null);
    this.watch();
    this.refreshGrid(true);
  }

  close() {
    // Messages already read may still arrive: this view no longer draws them.
    this.closed = true;
    this.stopFeed();
    this.subscription?.close();
    cancelAnimationFrame(this.frame);
    this.grid.close();
  }

  bindControls() {
    document.querySelectorAll('[role=tab]').forEach((tab) => {
      tab.onclick = () => {
        this.field = tab.dataset.field;
        document.querySelectorAll('[role=tab]').forEach((t) => t.setAttribute('aria-selected', String(t === tab)));
        this.refreshGrid(true);
      };
    });
    document.getElementById('filter').oninput = (event) => { this.grid.setFilter(event.target.value); this.schedule(); };
    document.getElementById('sort-name').onclick = () => { this.grid.sort('name'); this.schedule(); };
    document.getElementById('sort-value').onclick = () => { this.grid.sort('value'); this.schedule(); };
    const toggle = document.getElementById('feed-toggle');
    toggle.checked = false;
    toggle.onchange = () => (toggle.checked ? this.startFeed() : this.stopFeed());
    const bands = document.getElementById('bands-toggle');
    bands.checked = false;
    bands.onchange = () => this.showBands(bands.checked);
    document.getElementById('feed-rate').onchange = () => { if (toggle.checked) { this.stopFeed(); this.startFeed(); } };
  }

  async loadParameters() {
    const container = document.getElementById('params');
    container.replaceChildren();
    try {
      const entry = await rest('GET', `/v1/models/${encodeURIComponent(this.id)}?include=document`);
      document.getElementById('model-title').textContent = `${entry.name} (${entry.model})`;
      this.parameters = entry.document.parameters ?? {};
      const small = entry.rows + entry.columns <= BANDS_BY_DEFAULT;
      document.getElementById('bands-hint').textContent = small ? '' : 'off by default: each solve would range the whole model';
      if (small && entry.integerColumns === 0) this.showBands(true);
    } catch (e) {
      document.getElementById('model-title').textContent = `${this.id}: ${e.message}`;
      return;
    }
    const families = new Map();
    for (const name of Object.keys(this.parameters)) {
      const family = name.includes('[') ? `${name.slice(0, name.indexOf('['))}[*]` : name;
      if (!families.has(family)) families.set(family, []);
      families.get(family).push(name);
    }
    this.inputs = new Map();
    for (const [family, names] of families) {
      const set = document.createElement('fieldset');
      set.className = 'family';
      const legend = document.createElement('legend');
      const feedBox = document.createElement('input');
      feedBox.type = 'checkbox';
      feedBox.checked = true;
      feedBox.dataset.family = family;
      feedBox.className = 'feed-family';
      feedBox.id = `feed-${family}`;
      const feedLabel = document.createElement('label');
      feedLabel.htmlFor = feedBox.id;
      feedLabel.textContent = ` ${family} (in feed)`;
      legend.append(feedBox, feedLabel);
      set.append(legend);
      for (const name of names) set.append(this.control(name));
      container.append(set);
    }
    if (families.size === 0) container.textContent = 'This model has no parameters; update it through the protocol.';
  }

  control(name) {
    const value = this.parameters[name];
    const wrapper = document.createElement('div');
    wrapper.className = 'param';
    const id = `param-${name}`;
    const label = document.createElement('label');
    label.htmlFor = id;
    label.textContent = name;
    const number = document.createElement('input');
    number.type = 'number';
    number.id = id;
    number.step = 'any';
    number.value = String(value);
    number.dataset.param = name;
    const slider = document.createElement('input');
    slider.type = 'range';
    slider.setAttribute('aria-label', `${name} slider`);
    const span = Math.abs(value) > 0 ? Math.abs(value) : 1;
    slider.min = String(value - span);
    slider.max = String(value + span);
    slider.step = String(span / 200);
    slider.value = String(value);
    const error = document.createElement('p');
    error.className = 'error';
    error.setAttribute('role', 'alert');
    error.id = `${id}-error`;
    number.setAttribute('aria-describedby', error.id);
    const commit = (raw) => {
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) { error.textContent = `${name}: enter a finite number`; return; }
      number.value = String(v);
      slider.value = String(v);
      this.sendUpdate({ [name]: v }, error);
    };
    number.onchange = () => commit(number.value);
    slider.oninput = () => commit(slider.value);
    const band = document.createElement('p');
    band.className = 'band';
    band.id = `${id}-band`;
    band.setAttribute('role', 'status');
    wrapper.append(label, number, slider, band, error);
    this.inputs.set(name, { number, slider, error, band });
    return wrapper;
  }

  /** Sends a parameter update; its ack or error comes back to `errorElement`. */
  sendUpdate(parameters, errorElement) {
    const sentAt = performance.now();
    for (const [name, value] of Object.entries(parameters)) this.parameters[name] = value;
    client.update(this.id, { parameters }).then((seq) => {
      if (errorElement) errorElement.textContent = '';
      this.awaiting.push({ seq, sentAt });
    }, (error) => {
      if (!this.closed) (errorElement ?? document.getElementById('feed-error')).textContent = `${error.code}: ${error.message}`;
    });
  }

  startFeed() {
    const rate = Math.max(1, Math.min(200, Number(document.getElementById('feed-rate').value) || 10));
    document.getElementById('feed-error').textContent = '';
    this.feed = setInterval(() => {
      const step = Number(document.getElementById('feed-step').value) || 0.01;
      const families = new Set([...document.querySelectorAll('.feed-family:checked')].map((box) => box.dataset.family));
      const changes = {};
      for (const name of Object.keys(this.parameters ?? {})) {
        const family = name.includes('[') ? `${name.slice(0, name.indexOf('['))}[*]` : name;
        if (!families.has(family)) continue;
        changes[name] = this.parameters[name] * (1 + (Math.random() * 2 - 1) * step);
      }
      if (Object.keys(changes).length === 0) { document.getElementById('feed-error').textContent = 'select at least one parameter family'; return; }
      for (const [name, value] of Object.entries(changes)) {
        const input = this.inputs.get(name);
        if (input) { input.number.value = String(value); input.slider.value = String(value); }
      }
      this.sendUpdate(changes, document.getElementById('feed-error'));
    }, 1000 / rate);
  }

  stopFeed() { clearInterval(this.feed); this.feed = null; }

  /** A whole view from the subscription; `changed` names what moved since the last one. */
  apply(solution) {
    for (const field of [...FIELDS, ...BANDS]) {
      this.maps[field] = solution[field];  // a view of its own: the module copied it
      const names = solution.changed[field];
      if (names) this.changed[field].push(...names);
    }
    this.solution = solution;
    if (solution.objective !== undefined) this.chart.add(solution.objective);
    const now = performance.now();
    this.awaiting = this.awaiting.filter(({ seq, sentAt }) => {
      if (seq > solution.seq) return true;
      this.latencies.push(now - sentAt);
      return false;
    });
    if (this.latencies.length > 200) this.latencies.splice(0, this.latencies.length - 200);
    this.gridDirty = true;
    this.schedule();
  }

  schedule() {
    if (this.frame || this.closed) return;
    this.frame = requestAnimationFrame(() => { this.frame = null; this.render(); });
  }

  refreshGrid(force) {
    if (!this.gridDirty && !force) return;
    const bands = this.maps[BAND_OF[this.field]];
    this.grid.set(Object.entries(this.maps[this.field]).map(([name, value]) => [name, value, bands[name]]), this.changed[this.field]);
    for (const field of [...FIELDS, ...BANDS]) this.changed[field] = [];
    this.gridDirty = false;
    this.grid.render();
  }

  render() {
    const s = this.solution;
    if (s) {
      // An integer model's incumbents arrive with final: false while its solve runs.
      const running = s.final === false ? ' (improving…)' : '';
      document.getElementById('status').textContent = s.status + running + (s.message ? ` (${s.message})` : '');
      document.getElementById('gap-item').hidden = s.final === undefined;
      if (s.final !== undefined) {
        document.getElementById('gap').textContent = s.gap === undefined ? '–'
          : `${(100 * s.gap).toPrecision(3)} % (bound ${format(s.bound)}, ${s.stats.nodes} nodes)`;
      }
      document.getElementById('seq').textContent = s.seq;
      const objective = document.getElementById('objective');
      objective.textContent = s.objective === undefined ? '–' : format(s.objective);
      objective.dataset.value = s.objective === undefined ? '' : String(s.objective);
      document.getElementById('iterations').textContent = s.stats.iterations;
      document.getElementById('warm').textContent = s.stats.warmStart ? 'warm' : 'cold';
      document.getElementById('algorithm').textContent = s.stats.algorithm;
      document.getElementById('solve-time').textContent = `${s.stats.solveMicros} µs`;
      document.getElementById('merged').textContent = s.stats.updatesMerged;
      const sorted = [...this.latencies].sort((a, b) => a - b);
      document.getElementById('latency').textContent = sorted.length
        ? `${sorted[Math.floor(sorted.length / 2)].toFixed(1)} ms (median of ${sorted.length})` : '–';
    }
    this.chart.draw();
    this.refreshGrid(false);
    this.renderParameterBands();
  }

  /** Each parameter's band under its control, marked when its value nears an edge. */
  renderParameterBands() {
    for (const [name, input] of this.inputs ?? []) {
      const band = this.maps.parameterRanges[name];
      const value = this.parameters?.[name];
      input.band.textContent = band ? `plan holds in ${formatBand(band)}` : '';
      input.band.dataset.band = band ? JSON.stringify(band) : '';
      const [down, up] = band ?? [null, null];
      const width = down !== null && up !== null ? up - down : Math.max(1, Math.abs(value));
      const near = band !== undefined && value !== undefined
        && ((down !== null && value - down <= NEAR_EDGE * width) || (up !== null && up - value <= NEAR_EDGE * width));
      input.band.classList.toggle('near-edge', near);
      if (near) input.band.textContent += ' — near its edge';
    }
  }
}
