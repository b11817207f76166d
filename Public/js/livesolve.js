// LiveSolve's browser client: an ES module with no dependencies and no build step.
//
//   import { connect } from '/js/livesolve.js';
//   const client = await connect();                       // this page's server; or { url, token }
//   const model = await client.create(document, { name: 'refinery' });
//   const seq = await client.update(model, { parameters: { 'price[gasoline]': 2.5 } });
//   for await (const solution of client.subscribe(model, { fields: ['values', 'duals'] })) { … }
//
// Subscriptions hand out whole views: the deltas are applied here. A dropped connection is
// opened again with backoff, and every subscription is renewed from a fresh full snapshot.

const MAPS = ['values', 'duals', 'reducedCosts', 'rowActivities', 'costRanges', 'rhsRanges', 'parameterRanges'];
const BANDS = new Set(['costRanges', 'rhsRanges', 'parameterRanges']);
const GET_FIELDS = ['values', 'duals', 'reducedCosts', 'rowActivities'];
const CODES = ['bad_message', 'unknown_op', 'unknown_model', 'unknown_variable', 'unknown_row', 'unknown_parameter',
  'invalid_value', 'invalid_model', 'too_large', 'unauthorized', 'forbidden', 'rate_limited', 'overloaded',
  'timeout', 'storage_error', 'internal', 'connection_lost'];

/** An `error` the server sent (or `connection_lost`, the client's own), with `code`, `model` and, on REST, `status`. */
export class LiveSolveError extends Error {
  constructor(message, { code = 'internal', model = null, status = null } = {}) {
    super(message);
    Object.assign(this, { code, model, status });
  }
}

/** One subclass per code, named after it: `UnknownModel` for `unknown_model`. */
export const errors = {};
const byCode = {};
for (const code of CODES) {
  const name = code.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  errors[name] = byCode[code] = { [name]: class extends LiveSolveError {} }[name];
}

function errorFrom(message, status = null) {
  const cls = byCode[message?.code] ?? LiveSolveError;
  return new cls(message?.message ?? `HTTP ${status}`, { code: message?.code ?? 'internal', model: message?.model ?? null, status });
}

/** A subscriber's reconstruction: the last full snapshot, each delta applied in order. */
class View {
  // Maps without a prototype: a variable may be named `constructor` or `__proto__`.
  constructor() { this.maps = Object.fromEntries(MAPS.map((f) => [f, Object.create(null)])); }

  /** Applies one `solution` message; `changed` collects the names each map moved (null: all of it). */
  apply(message, changed) {
    for (const field of MAPS) {
      const entries = message[field];
      if (!entries) continue;  // no maps (no solution): they stay as they were
      if (message.full) this.maps[field] = Object.create(null);
      const map = this.maps[field];
      for (const [name, value] of Object.entries(entries)) {
        // A band entry of null: the band is gone (a row whose bound is no longer active).
        if (value === null && BANDS.has(field)) delete map[name]; else map[name] = value;
      }
      if (changed[field] !== null) changed[field] = message.full ? null : [...(changed[field] ?? []), ...Object.keys(entries)];
    }
    this.message = message;
  }

  /** The whole view after the last message applied: copied only when it is handed out. */
  solution() {
    const { type, full, id, ...rest } = this.message;
    return { ...rest, ...Object.fromEntries(MAPS.map((f) => [f, Object.assign(Object.create(null), this.maps[f])])) };
  }
}

/** Live solutions of one model: `for await (const solution of subscription)`; leaving the loop unsubscribes. */
class Subscription {
  constructor(client, model, fields, deadband) {
    Object.assign(this, { client, model, fields, deadband });
    this.view = new View();
    this.changed = {};
    this.version = 0;
    this.seen = 0;
    this.error = null;
    this.ended = false;
    this.wake = null;
  }

  message() {
    const message = { op: 'subscribe', model: this.model };
    if (this.fields) message.fields = this.fields;
    if (this.deadband !== undefined) message.deadband = this.deadband;
    return message;
  }

  receive(message) {
    this.view.apply(message, this.changed);
    this.version += 1;
    this.notify();
  }

  end(error = null) {
    this.error ??= error;
    this.ended = true;
    this.notify();
  }

  notify() { this.wake?.(); this.wake = null; }

  [Symbol.asyncIterator]() { return this; }

  /** The newest whole view not yet handed out, with `changed`: the names each map changed since the last one (null: all). */
  async next() {
    for (;;) {
      if (this.version > this.seen) {
        this.seen = this.version;
        const value = { ...this.view.solution(), changed: this.changed };
        this.changed = {};
        return { value, done: false };
      }
      if (this.error) { const error = this.error; this.error = null; throw error; }
      if (this.ended) return { value: undefined, done: true };
      await new Promise((resolve) => { this.wake = resolve; });
    }
  }

  async return() { this.close(); return { value: undefined, done: true }; }

  close() {
    if (this.client.subscriptions.get(this.model) === this) {
      this.client.subscriptions.delete(this.model);
      this.client.sendNow({ op: 'unsubscribe', model: this.model });
    }
    this.end();
  }
}

/**
 * One WebSocket to /v1/stream, opened when first needed, and REST for what the stream has no op for.
 * Options: `url` (default this page's server), `token` (a string), `onUnauthorized(reason)` (resolves
 * to a token to try: asked whenever the server wants one), `onState(state)`, `timeout` (ms, 30000).
 */
export class Client {
  constructor({ url, token = null, onUnauthorized = null, onState = () => {}, timeout = 30000 } = {}) {
    const base = new URL(url ?? location.href);
    this.http = `${base.protocol === 'wss:' || base.protocol === 'https:' ? 'https' : 'http'}://${base.host}`;
    this.streamURL = `${this.http.replace(/^http/, 'ws')}/v1/stream`;
    Object.assign(this, { token, onUnauthorized, onState, timeout });
    this.pending = new Map();        // request id → { resolve, reject }
    this.subscriptions = new Map();  // model id → Subscription
    this.nextId = 1;
    this.delay = 250;
    this.closed = false;
    this.opened = null;
  }

  // -- the stream ----------------------------------------------------------------------------

  /** Resolves once the socket is open (and authenticated when a token is known). */
  open() {
    this.opened ??= new Promise((resolve) => { this.ready = resolve; this.dial(); });
    return this.opened;
  }

  dial() {
    this.onState('connecting');
    const socket = new WebSocket(this.streamURL);
    this.socket = socket;
    socket.onopen = async () => {
      this.delay = 250;
      // A browser cannot set headers on a WebSocket: the token goes as the first message.
      if (this.token) await this.send({ op: 'auth', token: this.token }).catch(() => {});
      this.onState('open');
      this.ready();
      for (const subscription of this.subscriptions.values()) this.renew(subscription);
    };
    socket.onmessage = (event) => this.dispatch(JSON.parse(event.data));
    socket.onclose = () => {
      for (const { reject } of this.pending.values()) reject(new errors.ConnectionLost('the connection dropped before the reply came', { code: 'connection_lost' }));
      this.pending.clear();
      if (this.closed) return;
      this.opened = new Promise((resolve) => { this.ready = resolve; });
      this.onState(`closed — reconnecting in ${(this.delay / 1000).toFixed(1)} s`);
      setTimeout(() => this.dial(), this.delay);
      this.delay = Math.min(this.delay * 2, 8000);
    };
  }

  /** Sends the subscription's `subscribe` (again): the full snapshot after it replaces each map it carries. */
  async renew(subscription) {
    try { await this.send(subscription.message()); } catch (error) {
      if (error.code !== 'connection_lost') subscription.end(error);
    }
  }

  dispatch(message) {
    const waiting = message.id !== undefined ? this.pending.get(message.id) : undefined;
    if (waiting) {
      this.pending.delete(message.id);
      if (message.type === 'error') waiting.reject(errorFrom(message)); else waiting.resolve(message);
      return;
    }
    const subscription = this.subscriptions.get(message.model);
    if (!subscription) return;
    if (message.type === 'solution') subscription.receive(message);
    else if (message.type === 'error' && message.code === 'unauthorized' && this.onUnauthorized) {
      // The token was withdrawn: once another is given, the subscription starts over.
      this.askForToken(message.message).then(() => this.renew(subscription));
    } else if (message.type === 'error') subscription.end(errorFrom(message));
  }

  async askForToken(reason) {
    this.token = await this.onUnauthorized(reason);
    if (this.socket?.readyState === WebSocket.OPEN) await this.send({ op: 'auth', token: this.token }).catch(() => {});
  }

  /** Sends a message with a fresh id; resolves with the reply (an `error` rejects). */
  async send(message) {
    if (this.closed) throw new errors.ConnectionLost('the client was closed', { code: 'connection_lost' });
    if (message.op !== 'auth') await this.open();
    const id = this.nextId++;
    const reply = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      setTimeout(() => {
        if (this.pending.delete(id)) reject(new errors.Timeout(`no reply within ${this.timeout} ms`, { code: 'timeout' }));
      }, this.timeout);
    });
    this.socket.send(JSON.stringify({ ...message, id }));
    return reply;
  }

  /** `send`, asking for a token (when `onUnauthorized` is given) and trying again while refused `unauthorized`. */
  async request(message) {
    for (;;) {
      try { return await this.send(message); } catch (error) {
        if (error.code !== 'unauthorized' || !this.onUnauthorized) throw error;
        await this.askForToken(error.message);
      }
    }
  }

  /** Sends without waiting for a reply, if the socket is open. */
  sendNow(message) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Any op and its fields; resolves with the reply object. */
  call(op, fields = {}) { return this.request({ op, ...fields }); }

  /** A model from a document (an object), or from LP or MPS text with `format: 'lp'` / `'mps'`; resolves to its id. */
  async create(source, { name, format } = {}) {
    const message = typeof source === 'string' ? { op: 'create', format, text: source } : { op: 'create', model: source };
    if (name !== undefined) message.name = name;
    return (await this.request(message)).model;
  }

  /** One update (absolute new values); resolves to its `seq`. */
  async update(model, { parameters, objective, rowBounds, colBounds, coefficients } = {}) {
    const message = { op: 'update', model };
    for (const [key, value] of Object.entries({ parameters, objective, rowBounds, colBounds, coefficients })) {
      if (value !== undefined) message[key] = value;
    }
    return (await this.request(message)).seq;
  }

  /** The newest full solution; with `seq`, the model's as it was right after that update. */
  async get(model, { fields = GET_FIELDS, seq } = {}) {
    const message = { op: 'get', model, fields };
    if (seq !== undefined) message.seq = seq;
    const view = new View();
    view.apply(await this.request(message), {});
    return view.solution();
  }

  /** Live whole solutions of `model`; a second subscription to the same model replaces the first. */
  subscribe(model, { fields, deadband } = {}) {
    this.subscriptions.get(model)?.end();
    const subscription = new Subscription(this, model, fields, deadband);
    this.subscriptions.set(model, subscription);
    this.renew(subscription);
    return subscription;
  }

  close() {
    this.closed = true;
    for (const subscription of this.subscriptions.values()) subscription.end();
    this.subscriptions.clear();
    this.socket?.close();
  }

  // -- REST ----------------------------------------------------------------------------------

  /** A REST call; resolves to the parsed body (null when empty), rejects with a `LiveSolveError`. */
  async rest(method, path, body, contentType = 'application/json') {
    for (;;) {
      const init = { method, headers: {} };
      if (body !== undefined) {
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
        init.headers['Content-Type'] = contentType;
      }
      if (this.token) init.headers.Authorization = `Bearer ${this.token}`;
      const response = await fetch(this.http + path, init);
      const text = await response.text();
      const json = text ? JSON.parse(text) : null;
      if (response.status === 401 && this.onUnauthorized) { await this.askForToken(json?.message ?? 'This server needs a token.'); continue; }
      if (!response.ok) throw errorFrom(json, response.status);
      return json;
    }
  }

  async models() { return (await this.rest('GET', '/v1/models')).models; }

  async delete(model) { await this.rest('DELETE', `/v1/models/${encodeURIComponent(model)}`); }

  async fork(model, { seq, name, follow } = {}) {
    return (await this.rest('POST', `/v1/models/${encodeURIComponent(model)}/fork`, { seq, name, follow })).model;
  }
}

/** A client with its stream open: `const client = await connect({ url, token })`. */
export async function connect(options = {}) {
  const client = new Client(options);
  await client.open();
  return client;
}
