// The dashboard: `#/` lists models, `#/model/ID` watches one live. No build step, no network assets.
import { setUpList, showList, hideList } from './models.js';
import { showModel, hideModel } from './live.js';

function route() {
  const match = location.hash.match(/^#\/model\/(.+)$/);
  document.getElementById('list-view').hidden = Boolean(match);
  document.getElementById('model-view').hidden = !match;
  if (match) {
    hideList();
    showModel(decodeURIComponent(match[1]));
  } else {
    hideModel();
    document.getElementById('connection').textContent = 'REST';
    document.getElementById('connection').className = 'connection';
    showList();
  }
}

setUpList();
window.addEventListener('hashchange', route);
route();
