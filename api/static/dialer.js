// The pages' shared module: words, API calls with the bearer token, the live event stream, the frame.
//
// A page's own script imports what it needs:
//   import { startPage, api, EventStream, t, el } from "./dialer.js";
//   startPage({ roles: ["operator"], onSignedIn: async (me) => { ... }, onSignedOut: () => { ... } });
// The token lives in sessionStorage (one tab, gone when it closes) and goes out as
// "Authorization: Bearer ..."; the stream is read with fetch() so that header can be sent, and it
// resumes after a drop with Last-Event-ID, so nothing is missed.

const TOKEN_KEY = "dialer.token";
const LANG_COOKIE = "dialer_lang";

const MESSAGES = JSON.parse(document.getElementById("dialer-messages").textContent);

/** The text of `key` in the page's language, with {name} filled from `params`. */
export function t(key, params = {}) {
  const text = Object.prototype.hasOwnProperty.call(MESSAGES, key) ? MESSAGES[key] : key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** True when the catalogue has `key` (e.g. a pause reason that has a translation). */
export function hasText(key) {
  return Object.prototype.hasOwnProperty.call(MESSAGES, key);
}

export const lang = document.body.dataset.lang;

/** A DOM element: el("td", {class: "x", onclick: f}, "text", child). Text is never parsed as HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** "m:ss" (or "h:mm:ss") of a number of seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h ? String(m).padStart(2, "0") : String(m);
  return (h ? `${h}:` : "") + `${mm}:${String(r).padStart(2, "0")}`;
}

/** A moment shown in `zone` (an IANA name; the browser's own when not given). */
export function clock(iso, zone, withDate = false) {
  if (!iso) return t("none");
  const options = { hour: "2-digit", minute: "2-digit" };
  if (withDate) Object.assign(options, { day: "2-digit", month: "2-digit" });
  if (zone) options.timeZone = zone;
  try {
    return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
  } catch (error) {  // an unknown zone: the browser's own
    delete options.timeZone;
    return new Intl.DateTimeFormat(lang, options).format(new Date(iso));
  }
}

// ---- the API ------------------------------------------------------------------------------------

export class ApiError extends Error {
  constructor(status, detail, response) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.response = response;
  }
}

export const auth = {
  get token() { return sessionStorage.getItem(TOKEN_KEY); },
  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
  me: null,
};

let onUnauthorized = () => {};

function detailOf(body, status) {
  if (body && typeof body.detail === "string") return body.detail;
  if (body && Array.isArray(body.detail)) return body.detail.map((d) => d.msg || JSON.stringify(d)).join("; ");
  return `HTTP ${status}`;
}

/** Call the API: api("POST", "/calls/3/disposition", {code: "sale"}). Answers the JSON (or null). */
export async function api(method, path, body = undefined, { form = false } = {}) {
  const headers = { Accept: "application/json" };
  if (auth.token) headers.Authorization = `Bearer ${auth.token}`;
  let payload;
  if (body !== undefined && form) payload = new URLSearchParams(body);
  else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch (error) {
    throw new ApiError(0, t("error.network"), null);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (error) { data = null; }
  }
  if (!response.ok) {
    if (response.status === 401 && auth.token && path !== "/auth/token") onUnauthorized();
    throw new ApiError(response.status, detailOf(data, response.status), response);
  }
  return response.status === 204 ? null : data;
}

// ---- the live event stream ----------------------------------------------------------------------

/** Parses text/event-stream as it arrives; calls onEvent({id, type, data}) for each whole event. */
export class SseParser {
  constructor(onEvent, onRetry = () => {}, onComment = () => {}, onId = () => {}) {
    this.onEvent = onEvent;
    this.onRetry = onRetry;
    this.onComment = onComment;
    this.onId = onId;  // an id without data (where the stream starts) still moves Last-Event-ID
    this.buffer = "";
    this.reset();
  }

  reset() {
    this.id = null;
    this.type = "message";
    this.data = [];
  }

  push(chunk) {
    this.buffer += chunk;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop();  // an unfinished line waits for the next chunk
    for (const line of lines) this.line(line);
  }

  line(line) {
    if (line === "") {
      if (this.id !== null) this.onId(this.id);
      if (this.data.length) this.onEvent({ id: this.id, type: this.type, data: this.data.join("\n") });
      this.reset();
      return;
    }
    if (line.startsWith(":")) { this.onComment(line.slice(1).trim()); return; }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "id") this.id = value;
    else if (field === "event") this.type = value;
    else if (field === "data") this.data.push(value);
    else if (field === "retry" && /^\d+$/.test(value)) this.onRetry(Number(value));
  }
}

/**
 * GET /events followed for as long as the page lives: each event goes to handlers[type](data, id),
 * (and to handlers["*"]); a dropped connection is opened again after the server's retry delay,
 * sending Last-Event-ID. `after`: the id to start after (from the page's snapshot), so nothing
 * between the snapshot and the stream is lost.
 */
export class EventStream {
  constructor(handlers, { after = null, onState = () => {} } = {}) {
    this.handlers = handlers;
    this.lastId = after === null || after === undefined ? null : String(after);
    this.onState = onState;
    this.retryMs = 3000;
    this.silenceMs = 45000;  // the server sends a keepalive every 15 s: this much silence is a dead line
    this.controller = null;
    this.closed = false;
    this.timer = null;
  }

  start() {
    this.closed = false;
    this.loop();
    return this;
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    this.onState("off");
  }

  dispatch(event) {
    if (event.id) this.lastId = event.id;
    let data;
    try { data = JSON.parse(event.data); } catch (error) { data = event.data; }
    for (const handler of [this.handlers[event.type], this.handlers["*"]]) {
      if (!handler) continue;
      try { handler(data, event.id, event.type); } catch (error) { console.error("event handler", error); }
    }
  }

  async loop() {
    while (!this.closed) {
      this.controller = new AbortController();
      const headers = { Accept: "text/event-stream", Authorization: `Bearer ${auth.token}` };
      if (this.lastId !== null) headers["Last-Event-ID"] = this.lastId;
      let watchdog = null;
      const alive = () => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => this.controller.abort(), this.silenceMs);
      };
      try {
        const response = await fetch("/events", { headers, signal: this.controller.signal, cache: "no-store" });
        if (response.status === 401) { onUnauthorized(); return; }
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        this.onState("on");
        alive();
        const parser = new SseParser(
          (event) => this.dispatch(event),
          (ms) => { this.retryMs = ms; },
          () => {},
          (id) => { this.lastId = id; },
        );
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          alive();
          parser.push(value);
        }
      } catch (error) {
        if (this.closed) return;
      } finally {
        clearTimeout(watchdog);
      }
      if (this.closed) return;
      this.onState("reconnecting");
      await new Promise((resolve) => { this.timer = setTimeout(resolve, Math.min(this.retryMs, 5000)); });
    }
  }
}

// ---- the frame: language switch, sign-in, sign-out, messages ------------------------------------

/** Show a short message under the top bar (kind "error" in red); it fades after a while. */
export function flash(text, kind = "info") {
  const node = document.getElementById("flash");
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { node.hidden = true; }, kind === "error" ? 8000 : 3000);
}

/** Report an API error where the person sees it. */
export function showError(error) {
  flash(t("error.generic", { detail: error.detail || error.message || String(error) }), "error");
}

export function setLive(state) {
  const node = document.getElementById("live");
  node.hidden = false;
  node.dataset.state = state;
  node.textContent = t(state === "on" ? "live.on" : state === "reconnecting" ? "live.reconnecting" : "live.off");
}

function languageSwitch() {
  for (const button of document.querySelectorAll(".lang button[data-lang]")) {
    button.addEventListener("click", () => {
      const chosen = button.dataset.lang;
      document.cookie = `${LANG_COOKIE}=${chosen}; path=/; max-age=31536000; samesite=lax`;
      localStorage.setItem(LANG_COOKIE, chosen);
      const url = new URL(window.location.href);
      url.searchParams.delete("lang");
      window.location.replace(url.toString());
    });
  }
  // a language chosen earlier in this browser, but no cookie (cleared): set it again
  const remembered = localStorage.getItem(LANG_COOKIE);
  if (remembered && !document.cookie.includes(`${LANG_COOKIE}=`) && remembered !== lang) {
    document.cookie = `${LANG_COOKIE}=${remembered}; path=/; max-age=31536000; samesite=lax`;
    window.location.reload();
  }
}

/**
 * Run a page: the sign-in form until a user of one of `roles` signs in, then onSignedIn(me);
 * signing out (or a token that stopped working) calls onSignedOut() and shows the form again.
 */
export function startPage({ roles, onSignedIn, onSignedOut = () => {} }) {
  languageSwitch();
  const signIn = document.getElementById("sign-in");
  const app = document.getElementById("app");
  const who = document.getElementById("who");
  const out = document.getElementById("sign-out");
  const form = document.getElementById("sign-in-form");
  const error = document.getElementById("sign-in-error");

  const showSignIn = () => {
    auth.token = null;
    auth.me = null;
    app.hidden = true;
    who.hidden = out.hidden = true;
    signIn.hidden = false;
    document.getElementById("username").focus();
  };
  const signedOut = () => {
    try { onSignedOut(); } finally { showSignIn(); }
  };
  onUnauthorized = signedOut;

  const enter = async () => {
    const me = await api("GET", "/auth/me");
    if (roles && !roles.includes(me.role)) {
      auth.token = null;
      error.textContent = t("signin.role", { role: me.role });
      showSignIn();
      return;
    }
    auth.me = me;
    who.textContent = me.name;
    who.hidden = out.hidden = false;
    signIn.hidden = true;
    app.hidden = false;
    await onSignedIn(me);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const data = new FormData(form);
    try {
      const issued = await api("POST", "/auth/token", {
        username: data.get("username"), password: data.get("password"),
      }, { form: true });
      auth.token = issued.access_token;
      form.reset();
      await enter();
    } catch (problem) {
      if (problem.status === 401) error.textContent = t("signin.failed");
      else if (problem.status === 429) {
        const wait = problem.response ? problem.response.headers.get("Retry-After") : "";
        error.textContent = t("signin.throttled", { seconds: wait || "?" });
      } else error.textContent = problem.detail || String(problem);
    }
  });

  out.addEventListener("click", async () => {
    try { await api("POST", "/auth/logout"); } catch (problem) { /* the token is dropped either way */ }
    signedOut();
  });

  if (auth.token) {
    enter().catch((problem) => {
      if (problem.status !== 401) showError(problem);
      showSignIn();
    });
  } else showSignIn();
}
