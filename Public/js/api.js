// REST calls and the WebSocket stream of PROTOCOL.md, with automatic reconnect.

/** Calls a REST endpoint; resolves to the parsed JSON body, rejects with the protocol's error object. */
export async function rest(method, path, body, contentType = 'application/json') {
  const init = { method, headers: {} };
  if (body !== undefined) { init.body = body; init.headers['Content-Type'] = contentType; }
  const response = await fetch(path, init);
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) throw Object.assign(new Error(json?.message ?? response.statusText), { code: json?.code, status: response.status });
  return json;
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
    socket.onopen = () => { this.delay = 250; this.onState('open'); this.onOpen(); };
    socket.onmessage = (event) => this.onMessage(JSON.parse(event.data));
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
