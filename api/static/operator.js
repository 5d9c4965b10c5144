// The operator's page: the shift (start, ready, pause with a reason, log out), the call put through
// (card, filled script, survey answers: pushed by the event stream), the result (codes with keys
// 1..9, note, callback time with the contact's local time, hot lead with a comment), the wrap-up
// timer, hang up, and preview mode (next contact, call, skip).
import {
  api, clock, duration, el, EventStream, flash, hasText, lang, setLive, showError, startPage, t,
} from "./dialer.js";

const $ = (id) => document.getElementById(id);

const desk = {
  operator: null,
  status: null,
  campaigns: [],
  call: null,        // the call in hand, as GET /desk and the call_connected event carry it
  chosen: null,      // the disposition code chosen
  hotLead: false,
  offer: null,       // a preview offer held
  dialing: false,
  skew: 0,           // server time minus this browser's, in ms
  stream: null,
};

const now = () => Date.now() + desk.skew;
const since = (iso) => (iso ? (now() - Date.parse(iso)) / 1000 : 0);

function reasonText(reason) {
  if (!reason) return "";
  return hasText(`op.reason.${reason}`) ? t(`op.reason.${reason}`) : reason;
}

// ---- the shift -----------------------------------------------------------------------------------

function renderShift() {
  const status = desk.status;
  const state = status.state;
  const badge = $("state");
  badge.dataset.state = state;
  badge.textContent = t(`op.state.${state}`);
  $("reason").textContent = state === "paused" ? reasonText(status.reason) : "";
  const phone = $("softphone");
  phone.dataset.registered = String(Boolean(status.registered));
  phone.textContent = t(status.registered ? "op.softphone.ok" : "op.softphone.missing");
  const loggedIn = state !== "logged_out";
  $("login").hidden = loggedIn || desk.campaigns.length === 0;
  $("ready").hidden = !(state === "paused" || state === "wrap_up");
  $("pause-group").hidden = !(state === "ready" || state === "wrap_up" || state === "paused");
  $("logout").hidden = !loggedIn;
  const names = desk.campaigns
    .filter((c) => !loggedIn || status.campaign_ids.includes(c.id))
    .map((c) => c.name);
  $("campaign-names").textContent = names.length ? names.join(", ") : t("op.no_campaigns");
  document.body.dataset.state = state;
  renderPreview();
  tick();
}

async function shiftAction(path, body) {
  try {
    desk.status = await api("POST", `/operators/${desk.operator.id}/session/${path}`, body);
    renderShift();
  } catch (error) {
    showError(error);
  }
}

// ---- the call: card, script, survey ------------------------------------------------------------

function campaignOf(id) {
  return desk.campaigns.find((c) => c.id === id) || null;
}

function renderCard(contact, campaign, attempt) {
  $("waiting").hidden = Boolean(contact);
  $("card-body").hidden = !contact;
  if (!contact) return;
  $("card-name").textContent = contact.name || t("none");
  $("card-company").textContent = contact.company || "";
  const phones = [contact.phone, contact.extension ? `${t("op.card.extension")} ${contact.extension}` : null]
    .concat(contact.extra_phones || []).filter(Boolean);
  $("card-phone").textContent = phones.join(" · ");
  $("card-local").textContent = `${clock(new Date(now()).toISOString(), contact.timezone)} (${contact.timezone})`;
  $("card-attempt").textContent = String(attempt || contact.attempts || 1);
  $("card-campaign").textContent = campaign ? campaign.name : "";
  const fields = $("card-fields");
  fields.replaceChildren();
  for (const [name, value] of Object.entries(contact.fields || {})) {
    if (value === null || typeof value === "object") continue;
    fields.append(el("dt", {}, name), el("dd", {}, String(value)));
  }
  $("card-fields-title").hidden = fields.childElementCount === 0;
  const history = $("card-history");
  history.replaceChildren();
  const earlier = contact.history || [];
  if (!earlier.length) history.append(el("p", { class: "muted small" }, t("op.card.no_history")));
  for (const item of earlier) {
    const outcome = item.outcome && hasText(`outcome.${item.outcome}`)
      ? t(`outcome.${item.outcome}`) : (item.outcome || "");
    history.append(el("div", { class: "history-item" },
      el("div", {}, clock(item.placed_at, null, true), " · ", outcome,
        item.disposition ? ` · ${item.disposition}` : "", item.operator ? ` · ${item.operator}` : ""),
      item.note ? el("div", { class: "note" }, item.note) : null));
  }
}

function renderSurvey(answers) {
  const panel = $("survey-panel");
  panel.hidden = !answers || !answers.length;
  const table = $("survey");
  table.replaceChildren();
  for (const answer of answers || []) {
    table.append(el("tr", {},
      el("th", {}, `${answer.position}. ${answer.question}`),
      el("td", {}, answer.meaning || answer.digits || t("none"))));
  }
}

function renderCall() {
  const call = desk.call;
  const card = $("card");
  if (call) card.dataset.callId = String(call.call_id);
  else delete card.dataset.callId;
  if (call) {
    renderCard(call.contact, call.campaign, call.attempt);
    $("script").textContent = call.script || "";
    renderSurvey(call.survey);
  } else if (desk.offer) {
    renderCard(desk.offer.card, campaignOf(desk.offer.campaign_id), null);
    $("script").textContent = desk.offer.filled_script || "";
    renderSurvey(null);
  } else {
    renderCard(null);
    $("script").textContent = "";
    renderSurvey(null);
  }
  renderResult();
  renderPreview();
}

// ---- the result: codes, note, callback, hot lead ------------------------------------------------

function codesOfCall() {
  return desk.call ? desk.call.campaign.dispositions : [];
}

function renderResult() {
  const call = desk.call;
  const list = $("dispositions");
  list.replaceChildren();
  $("result").hidden = false;
  for (const [index, code] of codesOfCall().entries()) {
    const key = index < 9 ? String(index + 1) : null;
    const button = el("button", {
      type: "button",
      "data-code": code.code,
      "aria-pressed": String(desk.chosen === code.code),
      onclick: () => choose(code.code),
    }, key ? el("kbd", {}, key) : null, el("span", {}, code.label), el("span", { class: "kind" }, code.kind));
    list.append(button);
  }
  const chosen = codesOfCall().find((c) => c.code === desk.chosen);
  $("callback-group").hidden = !(chosen && chosen.kind === "callback");
  $("hotlead").disabled = !call || !codesOfCall().some((c) => c.hot_lead);
  $("hotlead").setAttribute("aria-pressed", String(desk.hotLead));
  $("hotlead-group").hidden = !desk.hotLead;
  $("save").disabled = !call || !desk.chosen || Boolean(call.disposition);
  $("hangup").hidden = !(call && call.connected_at && !call.ended_at);
  updateCallbackLocal();
  tick();
}

function choose(code) {
  if (!desk.call || desk.call.disposition) return;
  desk.chosen = code;
  const chosen = codesOfCall().find((c) => c.code === code);
  desk.hotLead = Boolean(chosen && chosen.hot_lead);
  if (chosen && chosen.kind === "callback" && !$("callback-at").value) {
    const inHour = new Date(now() + 3600 * 1000);
    inHour.setMinutes(0, 0, 0);
    inHour.setHours(inHour.getHours() + 1);
    $("callback-at").value = localInput(inHour);
  }
  renderResult();
}

function hotLeadCode() {
  const codes = codesOfCall().filter((c) => c.hot_lead);
  return (codes.find((c) => c.code === "hot_lead") || codes[0] || {}).code || null;
}

function localInput(date) {  // a Date as a datetime-local value, in this browser's zone
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function updateCallbackLocal() {
  const value = $("callback-at").value;
  const contact = desk.call ? desk.call.contact : null;
  $("callback-local").textContent = value && contact
    ? t("op.callback.local", { time: `${clock(new Date(value).toISOString(), contact.timezone, true)} (${contact.timezone})` })
    : "";
}

async function save() {
  const call = desk.call;
  if (!call || !desk.chosen) return;
  const chosen = codesOfCall().find((c) => c.code === desk.chosen);
  const body = { code: desk.chosen };
  const note = [$("hotlead-comment").value.trim(), $("note").value.trim()].filter(Boolean).join("\n");
  if (note) body.note = note;
  if (chosen && chosen.kind === "callback") {
    const value = $("callback-at").value;
    if (!value) { flash(t("op.callback.required"), "error"); return; }
    body.callback_at = new Date(value).toISOString();
  }
  $("save").disabled = true;
  try {
    await api("POST", `/calls/${call.call_id}/disposition`, body);
    flash(t("op.saved", { code: chosen ? chosen.label : desk.chosen }));
    finishCall(call.call_id);
  } catch (error) {
    $("save").disabled = false;
    showError(error);
  }
}

function finishCall(callId) {
  if (!desk.call || desk.call.call_id !== callId) return;
  desk.call = null;
  desk.chosen = null;
  desk.hotLead = false;
  for (const id of ["note", "hotlead-comment", "callback-at"]) $(id).value = "";
  renderCall();
}

// ---- preview mode --------------------------------------------------------------------------------

function previewCampaigns() {
  const ids = desk.status ? desk.status.campaign_ids : [];
  return desk.campaigns.filter((c) => ids.includes(c.id) && c.mode === "preview");
}

function renderPreview() {
  const show = Boolean(desk.status) && previewCampaigns().length > 0 && !desk.call
    && (desk.status.state === "ready" || desk.offer);
  $("preview").hidden = !show;
  if (!show) return;
  $("preview-next").hidden = Boolean(desk.offer);
  $("preview-call").hidden = !desk.offer || desk.dialing;
  $("preview-skip").hidden = !desk.offer || desk.dialing;
  $("preview-status").textContent = desk.dialing ? t("op.preview.dialing")
    : desk.offer ? t("op.preview.hold", { time: clock(desk.offer.hold_until) }) : "";
}

async function previewNext() {
  try {
    const offer = await api("POST", `/operators/${desk.operator.id}/session/preview`);
    if (!offer) { $("preview-status").textContent = t("op.preview.none"); return; }
    desk.offer = { ...offer, card: { ...offer.contact, fields: offer.contact.data, timezone: offer.contact.timezone || "UTC", history: [] } };
    renderCall();
  } catch (error) {
    showError(error);
  }
}

async function previewCall() {
  if (!desk.offer) return;
  try {
    await api("POST", `/operators/${desk.operator.id}/session/preview/${desk.offer.contact.id}/dial`);
    desk.dialing = true;
    renderPreview();
  } catch (error) {
    showError(error);
  }
}

async function previewSkip() {
  if (!desk.offer) return;
  try {
    await api("POST", `/operators/${desk.operator.id}/session/preview/${desk.offer.contact.id}/skip`);
  } catch (error) {
    showError(error);
  }
  desk.offer = null;
  desk.dialing = false;
  renderCall();
}

// ---- timers ----------------------------------------------------------------------------------

function tick() {
  if (!desk.status) return;
  $("since").textContent = t("op.since", { time: duration(since(desk.status.since)) });
  const call = desk.call;
  const status = $("call-status");
  if (call && call.connected_at && !call.ended_at) status.textContent = t("op.call.talking", { time: duration(since(call.connected_at)) });
  else if (call && call.ended_at) status.textContent = t("op.call.ended");
  else status.textContent = "";
  const wrap = $("wrap");
  const wrapping = desk.status.state === "wrap_up" && desk.status.wrap_until;
  wrap.hidden = !wrapping;
  if (wrapping) {
    const left = (Date.parse(desk.status.wrap_until) - now()) / 1000;
    wrap.dataset.over = String(left <= 0);
    wrap.textContent = left > 0 ? t("op.wrap", { time: duration(left) }) : t("op.wrap.over");
  }
}

// ---- events ----------------------------------------------------------------------------------

const handlers = {
  operator_state(data) {
    if (data.operator_id !== desk.operator.id) return;
    desk.status = { ...desk.status, ...data };
    if (data.state !== "ready") desk.dialing = desk.dialing && data.state === "on_call";
    renderShift();
  },
  call_connected(data) {
    if (data.operator_id !== desk.operator.id) return;
    desk.call = data;
    desk.chosen = null;
    desk.hotLead = false;
    desk.offer = null;
    desk.dialing = false;
    for (const id of ["note", "hotlead-comment", "callback-at"]) $(id).value = "";
    renderCall();
  },
  call_ended(data) {
    if (!desk.call || data.call_id !== desk.call.call_id) return;
    desk.call = { ...desk.call, ended_at: data.ended_at };
    renderResult();
  },
  call_disposed(data) {
    if (desk.call && data.call_id === desk.call.call_id) finishCall(data.call_id);
  },
  survey_answered(data) {
    if (!desk.call || data.call_id !== desk.call.call_id) return;
    desk.call = { ...desk.call, survey: data.answers };
    renderSurvey(data.answers);
  },
};

// ---- start -----------------------------------------------------------------------------------

function keys(event) {
  if (!desk.call || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target && ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  if (/^[1-9]$/.test(event.key)) {
    const code = codesOfCall()[Number(event.key) - 1];
    if (code) { event.preventDefault(); choose(code.code); }
  }
}

function wire() {
  $("login").addEventListener("click", () => shiftAction("login", { campaign_ids: desk.campaigns.map((c) => c.id) }));
  $("ready").addEventListener("click", () => shiftAction("ready"));
  $("pause").addEventListener("click", () => shiftAction("pause", { reason: $("pause-reason").value }));
  $("logout").addEventListener("click", () => shiftAction("logout"));
  $("save").addEventListener("click", save);
  $("hangup").addEventListener("click", async () => {
    if (!desk.call) return;
    try {
      await api("POST", `/calls/${desk.call.call_id}/hangup`);
      flash(t("op.hangup.sent"));
    } catch (error) {
      showError(error);
    }
  });
  $("hotlead").addEventListener("click", () => {
    const code = hotLeadCode();
    if (!code) { flash(t("op.hotlead.none"), "error"); return; }
    if (desk.hotLead && desk.chosen === code) { desk.hotLead = false; desk.chosen = null; renderResult(); return; }
    choose(code);
    $("hotlead-comment").focus();
  });
  $("callback-at").addEventListener("input", updateCallbackLocal);
  $("preview-next").addEventListener("click", previewNext);
  $("preview-call").addEventListener("click", previewCall);
  $("preview-skip").addEventListener("click", previewSkip);
  document.addEventListener("keydown", keys);
  setInterval(tick, 1000);
}

async function load() {
  let loaded;
  try {
    loaded = await api("GET", "/desk");
  } catch (error) {
    if (error.status === 404) { $("no-operator").hidden = false; $("desk").hidden = true; return; }
    throw error;
  }
  desk.skew = Date.parse(loaded.now) - Date.now();
  desk.operator = loaded.operator;
  desk.status = loaded.session;
  desk.campaigns = loaded.campaigns;
  desk.call = loaded.call;
  desk.chosen = null;
  $("no-operator").hidden = true;
  $("desk").hidden = false;
  renderShift();
  renderCall();
  if (desk.stream) desk.stream.close();
  desk.stream = new EventStream(handlers, { after: loaded.event_id, onState: setLive }).start();
}

document.documentElement.lang = lang;
wire();
startPage({
  roles: ["operator"],
  onSignedIn: load,
  onSignedOut: () => {
    if (desk.stream) desk.stream.close();
    desk.stream = null;
    desk.operator = desk.status = desk.call = desk.offer = null;
  },
});
