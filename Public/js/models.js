// The model list: live refresh, examples, upload (picker or drop), delete.
import { rest } from './api.js';

const formats = { lp: 'text/x-lp', mps: 'text/x-mps', json: 'application/json' };
let seen = new Map();   // model id → { seq, changedAt }
let timer = null;

export function showList() {
  refresh();
  clearInterval(timer);
  timer = setInterval(refresh, 1000);
}

export function hideList() { clearInterval(timer); }

async function refresh() {
  let models;
  try { ({ models } = await rest('GET', '/v1/models')); } catch { return; }
  const now = Date.now();
  const body = document.querySelector('#models tbody');
  body.replaceChildren(...models.map((m) => {
    const before = seen.get(m.model);
    const changedAt = before && before.seq === m.seq ? before.changedAt : now;
    seen.set(m.model, { seq: m.seq, changedAt });
    const row = document.createElement('tr');
    const cells = [m.name, `${m.rows} × ${m.columns}`, m.integerColumns, m.status, m.seq, m.subscribers, ago(now - changedAt)];
    cells.forEach((value, i) => {
      const cell = document.createElement(i === 0 ? 'th' : 'td');
      if (i === 0) {
        cell.scope = 'row';
        const link = document.createElement('a');
        link.href = `#/model/${encodeURIComponent(m.model)}`;
        link.textContent = value;
        cell.append(link);
      } else {
        cell.textContent = value;
      }
      row.append(cell);
    });
    const actions = document.createElement('td');
    const remove = document.createElement('button');
    remove.textContent = 'Delete';
    remove.setAttribute('aria-label', `Delete ${m.name}`);
    remove.onclick = async () => {
      if (!confirm(`Delete model "${m.name}" (${m.model})?`)) return;
      try { await rest('DELETE', `/v1/models/${encodeURIComponent(m.model)}`); } catch (e) { alert(e.message); }
      refresh();
    };
    actions.append(remove);
    row.append(actions);
    return row;
  }));
  document.getElementById('models-empty').hidden = models.length > 0;
}

function ago(ms) {
  const s = Math.round(ms / 1000);
  return s < 2 ? 'just now' : s < 120 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

async function upload(file) {
  const error = document.getElementById('upload-error');
  error.textContent = '';
  const extension = file.name.toLowerCase().replace(/\.gz$/, '').split('.').pop();
  const type = formats[extension] ?? 'application/json';
  try {
    const { model } = await rest('POST', `/v1/models?name=${encodeURIComponent(file.name.replace(/\.[^.]*$/, ''))}`, await file.text(), type);
    location.hash = `#/model/${encodeURIComponent(model)}`;
  } catch (e) {
    error.textContent = `${file.name}: ${e.message}`;
  }
}

export function setUpList() {
  document.getElementById('example-form').onsubmit = async (event) => {
    event.preventDefault();
    const name = document.getElementById('example-select').value;
    const error = document.getElementById('upload-error');
    error.textContent = '';
    try {
      const document_ = await (await fetch(`examples/${name}.json`)).text();
      const { model } = await rest('POST', '/v1/models', document_);
      location.hash = `#/model/${encodeURIComponent(model)}`;
    } catch (e) {
      error.textContent = `${name}: ${e.message}`;
    }
  };
  const input = document.getElementById('upload-input');
  input.onchange = () => { if (input.files[0]) upload(input.files[0]); input.value = ''; };
  const zone = document.getElementById('drop-zone');
  zone.ondragover = (event) => { event.preventDefault(); zone.classList.add('over'); };
  zone.ondragleave = () => zone.classList.remove('over');
  zone.ondrop = (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    const file = event.dataTransfer.files[0];
    if (file) upload(file);
  };
  zone.onkeydown = (event) => { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); input.click(); } };
}
