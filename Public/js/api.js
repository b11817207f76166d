// REST calls and the WebSocket stream of PROTOCOL.md, with automatic reconnect, and the token
// a server with tokens asks for (kept in sessionStorage: this tab only, gone when it closes).

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

/** Calls a REST endpoint; resolves to the parsed JSON body, rejects with the protocol's error object. */
export async function rest(method, path, body, contentType = 'application/json') {
  for (;;) {
    const init = { method, headers: {} };
    if (body !== undefined) { init.body = body; init.headers['Content-Type'] = contentType; }
    if (token()) init.headers.Authorization = `Bearer ${token()}`;
    const response = await fetch(path, init);
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    // Asked for a token (or a valid one): the request goes again with the one entered.
    if (response.status === 401) { await askForToken(json?.message ?? 'This server needs a token.'); continue; }
    if (!response.ok) throw Object.assign(new Error(json?.message ?? response.statusText), { code: json?.code, status: response.status });
    return json;
  }
}

/**
 * One WebSocket to /v1/stream that reconnects with backoff. `onOpen` runs after every
 * (re)connection, so subscriptions can be renewed and a full snapshot taken.
 */
export class Stream {
  constructor({ onMessage, onOpen, onState }) {
    Object.assign(this, { onMessage, onOpen, onState });
    this.nextId = 1;
    this.delay = 250;
    this.closed = false;
    this.connect();
  }

  connect() {
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/v1/stream`;
    this.onState('connecting');
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.delay = 250;
      this.onState('open');
      // A browser cannot set headers on a WebSocket: the token goes as the first message.
      if (token()) this.send({ op: 'auth', token: token() });
      this.onOpen();
    };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === 'error' && message.code === 'unauthorized') {
        // Asked for a token, or ours was withdrawn: once one is entered, start over with it.
        askForToken(message.message).then((entered) => {
          this.send({ op: 'auth', token: entered });
          this.onOpen();
        });
      }
      this.onMessage(message);
    };
    socket.onclose = () => {
      if (this.closed) return;
      this.onState(`closed — reconnecting in ${(this.delay / 1000).toFixed(1)} s`);
      setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 8000);
    };
  }

  /** Sends a message with a fresh id (returned) when the socket is open; null otherwise. */
  send(message) {
    if (this.socket?.readyState !== WebSocket.OPEN) return null;
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ ...message, id }));
    return id;
  }

  close() { this.closed = true; this.socket?.close(); }
}
