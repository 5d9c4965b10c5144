// The supervisor's page: the wallboard of the floor or one campaign, live from GET /events
// (operators' state changes at once; the figures again after each call and every REFRESH_MS),
// campaign start / pause / resume / stop, forced pause and log-out, listen / whisper / barge from
// the supervisor's own softphone, and the day's two charts (SVG from the server).
import {
  startPage, api, auth, EventStream, t, el, duration, flash, showError, setLive, hasText, lang,
} from "./dialer.js";

const REFRESH_MS = 15000;
const CHARTS_MS = 60000;
const ENDPOINT_KEY = "dialer.supervisor.endpoint";
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

const view = {
  scope: new URLSearchParams(window.location.search).get("campaign") || "",
  operators: new Map(),  // operator id -> row data (sinceMs: when the state began, in this browser's clock)
  campaigns: [],
  skew: 0,  // the server's clock minus this browser's, from the last snapshot
  stream: null,
  timers: [],
  pending: null,
  spy: null,
};

const $ = (id) => document.getElementById(id);

function stateName(state) {
  return hasText(`op.state.${state}`) ? t(`op.state.${state}`) : state;
}

function reasonName(reason) {
  return hasText(`op.reason.${reason}`) ? t(`op.reason.${reason}`) : reason;
}

function percent(value) {
  return `${(100 * (value || 0)).toFixed(1)}%`;
}

function query(extra = {}) {
  const params = new URLSearchParams({ tz: zone, ...extra });
  if (view.scope) params.set("campaign_id", view.scope);
  return params.toString();
}

// ---- the snapshot ---------------------------------------------------------------------------------

function remember(operator) {
  const known = view.operators.get(operator.operator_id) || {};
  const sinceMs = operator.seconds_in_state === null || operator.seconds_in_state === undefined
    ? null : Date.now() - 1000 * operator.seconds_in_state;
  if (operator.since && sinceMs !== null) {
    view.skew = Date.parse(operator.since) + 1000 * operator.seconds_in_state - Date.now();
  }
  view.operators.set(operator.operator_id, { ...known, ...operator, sinceMs });
}

async function refresh() {
  try {
    const path = view.scope
      ? `/supervision/wallboard/${view.scope}?tz=${encodeURIComponent(zone)}`
      : `/supervision/wallboard?tz=${encodeURIComponent(zone)}`;
    const board = await api("GET", path);
    const shown = new Set(board.operators.map((o) => o.operator_id));
    for (const id of [...view.operators.keys()]) if (!shown.has(id)) view.operators.delete(id);
    board.operators.forEach(remember);
    view.campaigns = view.scope ? [board] : board.campaigns;
    renderOperators();
    renderCampaigns();
    $("updated").textContent = t("sv.updated", { time: new Date().toLocaleTimeString(lang) });
  } catch (error) {
    showError(error);
  }
}

function refreshSoon(ms = 1500) {
  clearTimeout(view.pending);
  view.pending = setTimeout(refresh, ms);
}

async function loadScopes() {
  const select = $("scope");
  const found = await api("GET", "/campaigns?limit=100");
  for (const campaign of found.items.filter((c) => c.state !== "finished")) {
    select.append(el("option", { value: String(campaign.id) }, `${campaign.name} (#${campaign.id})`));
  }
  if (![...select.options].some((o) => o.value === view.scope)) view.scope = "";
  select.value = view.scope;
  select.addEventListener("change", () => {
    view.scope = select.value;
    const url = new URL(window.location.href);
    if (view.scope) url.searchParams.set("campaign", view.scope);
    else url.searchParams.delete("campaign");
    history.replaceState(null, "", url.toString());
    refresh();
    loadCharts();
  });
}

// ---- operators --------------------------------------------------------------------------------------

function renderOperators() {
  const body = $("operators").querySelector("tbody");
  const rows = [...view.operators.values()];
  const order = { on_call: 0, wrap_up: 1, ready: 2, paused: 3, logged_out: 4 };
  rows.sort((a, b) => (order[a.state] - order[b.state]) || a.name.localeCompare(b.name));
  body.replaceChildren(...(rows.length ? rows.map(operatorRow) : [el("tr", {}, el("td", { colspan: 6, class: "muted" }, t("sv.no_operators")))]));
  const counts = {};
  for (const row of rows) counts[row.state] = (counts[row.state] || 0) + 1;
  $("state-counts").textContent = Object.entries(counts).map(([s, n]) => `${stateName(s)}: ${n}`).join(" · ");
  tick();
}

function operatorRow(op) {
  const onCall = op.state === "on_call";
  const loggedIn = op.state !== "logged_out";
  const spyButton = (mode) => el("button", {
    type: "button", "data-action": mode, disabled: !onCall, onclick: () => spy(op, mode),
  }, t(`sv.${mode}`));
  const attrs = { "data-operator": op.operator_id, "data-state": op.state, "data-live-state": op.liveState };
  return el("tr", attrs,
    el("td", {}, op.name, op.name.includes(op.endpoint) ? null : el("span", { class: "muted" }, ` ${op.endpoint}`)),
    el("td", {},
      el("span", { class: "badge", "data-state": op.state }, stateName(op.state)),
      op.state === "paused" && op.reason ? el("span", { class: "muted" }, " ", reasonName(op.reason)) : null),
    el("td", { class: "in-state", "data-since": op.sinceMs === null ? "" : String(op.sinceMs) }),
    el("td", {
      class: op.registered ? "phone-ok" : "phone-missing",
      title: t(op.registered ? "sv.phone.ok" : "sv.phone.missing"),
      "aria-label": t(op.registered ? "sv.phone.ok" : "sv.phone.missing"),
    }, op.registered ? "●" : "○"),
    el("td", {}, String(op.calls_today ?? 0)),
    el("td", { class: "actions" },
      el("button", {
        type: "button", "data-action": "pause", disabled: !loggedIn || onCall || op.state === "paused",
        onclick: () => forcePause(op),
      }, t("sv.pause")),
      el("button", { type: "button", "data-action": "logout", disabled: !loggedIn, onclick: () => forceLogout(op) },
        t("sv.logout")),
      spyButton("listen"), spyButton("whisper"), spyButton("barge")));
}

function tick() {
  for (const cell of document.querySelectorAll("td.in-state")) {
    const since = Number(cell.dataset.since);
    cell.textContent = cell.dataset.since ? duration((Date.now() - since) / 1000) : t("none");
  }
}

function onOperatorState(data) {
  const known = view.operators.get(data.operator_id);
  if (!known) {
    if (!view.scope || (data.campaign_ids || []).includes(Number(view.scope))) refreshSoon(500);
    return;
  }
  const sinceMs = data.since ? Date.parse(data.since) - view.skew : known.sinceMs;
  view.operators.set(data.operator_id, {
    ...known,
    state: data.state,
    reason: data.reason,
    registered: data.registered,
    call_uid: data.call_uid,
    campaign_ids: data.campaign_ids,
    sinceMs,
    liveState: data.state,  // the last state the event stream told (the browser test reads it)
  });
  renderOperators();
}

async function forcePause(op) {
  try {
    await api("POST", `/supervision/operators/${op.operator_id}/pause`);
    flash(t("sv.paused", { name: op.name }));
    refreshSoon(300);
  } catch (error) { showError(error); }
}

async function forceLogout(op) {
  if (!window.confirm(t("sv.logout.confirm", { name: op.name }))) return;
  try {
    await api("POST", `/supervision/operators/${op.operator_id}/logout`);
    flash(t("sv.logged_out", { name: op.name }));
    refreshSoon(300);
  } catch (error) { showError(error); }
}

// ---- listen, whisper, barge ---------------------------------------------------------------------

async function spy(op, mode) {
  const endpoint = $("endpoint").value.trim();
  if (!endpoint) {
    flash(t("sv.softphone.missing"), "error");
    $("endpoint").focus();
    return;
  }
  localStorage.setItem(ENDPOINT_KEY, endpoint);
  try {
    const request = await api("POST", `/supervision/operators/${op.operator_id}/spy`, { mode, endpoint });
    clearTimeout(view.spy);
    follow(request, op);
  } catch (error) { showError(error); }
}

function follow(request, op) {
  const words = { mode: t(`sv.${request.mode}`), endpoint: request.endpoint, name: op.name, error: request.error || "" };
  const status = $("spy-status");
  status.dataset.status = request.status;
  status.textContent = t(`sv.spy.${request.status}`, words);
  if (request.status === "ended" || request.status === "failed") return;
  view.spy = setTimeout(async () => {
    try { follow(await api("GET", `/supervision/spy/${request.id}`), op); } catch (error) { showError(error); }
  }, request.status === "active" ? 3000 : 700);
}

// ---- campaigns ----------------------------------------------------------------------------------

const COMMANDS = { draft: ["start"], running: ["pause", "stop"], paused: ["resume", "stop"], finished: [] };

async function command(campaign, name) {
  if (name === "stop" && !window.confirm(t("sv.stop.confirm", { name: campaign.name }))) return;
  try {
    await api("POST", `/campaigns/${campaign.campaign_id}/${name}`);
    refreshSoon(200);
  } catch (error) { showError(error); }
}

function campaignCard(c) {
  const label = (name) => t(name === "pause" ? "sv.campaign.pause" : `sv.${name}`);
  const buttons = (COMMANDS[c.state] || []).map((name) => el("button", {
    type: "button", "data-command": name, class: name === "stop" ? "danger" : null, onclick: () => command(c, name),
  }, label(name)));
  const level = c.dial_level
    ? `${c.dial_level.level.toFixed(2)} · ${c.dial_level.reason}` : t("sv.dial_level.none");
  const volume = c.volume && c.volume.committed !== null
    ? t("sv.volume.value", { left: c.volume.left, committed: c.volume.committed, unit: t(`sv.unit.${c.volume.unit}`) })
    : t("sv.volume.none");
  const fields = [
    [t("sv.in_progress"), String(c.calls_in_progress)],
    [t("sv.dial_level"), level],
    [t("sv.answer_rate"), percent(c.today.answer_rate)],
    [t("sv.abandon"), el("span", { class: c.abandon.within_cap ? null : "over" },
      t("sv.abandon.value", { rate: percent(c.abandon.rate), cap: percent(c.abandon.cap) }))],
    [t("sv.today"), t("sv.today.value", c.today)],
    [t("sv.processed"), String(c.today.contacts_processed)],
    [t("sv.volume"), volume],
  ];
  const blockers = c.state === "running" && !c.dialing && c.blockers.length
    ? el("ul", { class: "blockers", title: t("sv.not_dialing") }, c.blockers.map((b) => el("li", {}, b.message)))
    : null;
  return el("article", { class: "campaign", "data-campaign-id": c.campaign_id },
    el("header", {},
      el("strong", {}, c.name),
      el("span", { class: "badge", "data-campaign": c.state }, t(`sv.campaign.state.${c.state}`)),
      buttons),
    el("dl", { class: "fields" }, fields.flatMap(([name, value]) => [el("dt", {}, name), el("dd", {}, value)])),
    blockers);
}

function renderCampaigns() {
  const cards = view.campaigns.map(campaignCard);
  $("campaigns").replaceChildren(...(cards.length ? cards : [el("p", { class: "muted" }, t("sv.no_campaigns"))]));
}

// ---- charts -------------------------------------------------------------------------------------

async function loadChart(kind, target) {
  const response = await fetch(`/supervision/charts/${kind}.svg?${query({ lang })}`, {
    headers: { Authorization: `Bearer ${auth.token}` }, cache: "no-store",
  });
  if (!response.ok) return;
  const image = new DOMParser().parseFromString(await response.text(), "image/svg+xml").documentElement;
  if (image.nodeName.toLowerCase() === "svg") $(target).replaceChildren(document.importNode(image, true));
}

async function loadCharts() {
  try {
    await Promise.all([loadChart("calls", "chart-calls"), loadChart("occupancy", "chart-occupancy")]);
  } catch (error) { /* the next round draws them */ }
}

// ---- the page's life ----------------------------------------------------------------------------

function stop() {
  if (view.stream) view.stream.close();
  view.stream = null;
  view.timers.forEach(clearInterval);
  view.timers = [];
  clearTimeout(view.pending);
  clearTimeout(view.spy);
}

startPage({
  roles: ["supervisor", "admin"],
  onSignedIn: async () => {
    stop();
    $("endpoint").value = localStorage.getItem(ENDPOINT_KEY) || "";
    view.stream = new EventStream({
      operator_state: onOperatorState,
      call_connected: () => refreshSoon(),
      call_ended: () => refreshSoon(),
      call_disposed: () => refreshSoon(),
      volume_alert: () => refreshSoon(),
    }, { onState: setLive }).start();
    await loadScopes();
    await refresh();
    loadCharts();
    view.timers.push(setInterval(tick, 1000), setInterval(refresh, REFRESH_MS), setInterval(loadCharts, CHARTS_MS));
  },
  onSignedOut: stop,
});
