// The dashboard's one client (js/livesolve.js) and the token a server with tokens asks for
// (kept in sessionStorage: this tab only, gone when it closes).
import { Client } from './livesolve.js';

const TOKEN_KEY = 'livesolve.token';
let asking = null;

/** The token this tab uses, if any. */
export function token() { return sessionStorage.getItem(TOKEN_KEY); }

/**
 * Shows the token form (once, however many requests were refused) and resolves with the token
 * entered, which is then kept for this tab.
 */
export function askForToken(reason) {
  if (asking) return asking;
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  document.getElementById('token-reason').textContent = reason;
  form.hidden = false;
  input.focus();
  asking = new Promise((resolve) => {
    form.onsubmit = (event) => {
      event.preventDefault();
      const entered = input.value.trim();
      if (!entered) return;
      sessionStorage.setItem(TOKEN_KEY, entered);
      form.hidden = true;
      input.value = '';
      asking = null;
      resolve(entered);
    };
  });
  return asking;
}

function showConnection(state) {
  const label = document.getElementById('connection');
  label.textContent = state;
  label.className = `connection ${state.startsWith('open') ? 'open' : state.startsWith('closed') ? 'closed' : ''}`;
}

/** The stream opens when the live view first needs it and then stays open, reconnecting. */
export const client = new Client({ token: token(), onUnauthorized: askForToken, onState: showConnection });

/** Calls a REST endpoint; resolves to the parsed JSON body, rejects with the protocol's error. */
export function rest(method, path, body, contentType) { return client.rest(method, path, body, contentType); }
