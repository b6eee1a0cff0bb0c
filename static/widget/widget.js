// Embeddable feedback and feature button: one <script type="module"> tag, no dependencies,
// styles isolated in a Shadow DOM. <script type="module" src=".../widget.js"
//   data-key="fr_pub_…" data-api="https://…/v1" [data-user-token="…"] [data-label="Feedback"]
//   [data-mode="board"]>  board mode opens on the app's top ideas: search, vote, suggest
//   [data-board="id"]>    on this board first (a switcher shows the boards the caller may see)
import { appOfKey, client, describe, OBVIOUS } from "../js/api.js";
import { applyAccent } from "../js/brand.js";
import { pickLanguage, t, translatePage, useLanguage } from "../js/i18n.js";

const script = [...document.querySelectorAll("script[data-key]")]
  .find((s) => s.src && new URL(s.src, location.href).href === import.meta.url);

const CSS = `
:host { all: initial; }
* { box-sizing: border-box; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.launcher { position: fixed; inset-inline-end: 20px; bottom: 20px; z-index: 2147483000; background: var(--brand, #2f4fd1); color: var(--brand-text, #fff);
  border: 0; border-radius: 999px; padding: 12px 18px; font-size: 15px; font-weight: 600; cursor: pointer;
  box-shadow: 0 6px 20px rgba(16,24,40,.25); }
.panel { position: fixed; inset-inline-end: 20px; bottom: 76px; z-index: 2147483000; width: min(360px, calc(100vw - 40px));
  background: #fff; color: #1b1f2a; border: 1px solid #dfe3e8; border-radius: 12px; padding: 16px;
  box-shadow: 0 12px 32px rgba(16,24,40,.2); font-size: 14px; line-height: 1.45; }
.panel[hidden] { display: none; }
h2 { font-size: 16px; margin: 0 0 10px; }
.tabs { display: flex; gap: 6px; margin-bottom: 12px; }
.tabs button { flex: 1; background: #f0f2f5; color: #1b1f2a; border: 1px solid #dfe3e8; border-radius: 8px; padding: 8px; cursor: pointer; font-size: 14px; }
.tabs button[aria-selected="true"] { background: #e8edff; border-color: #2f4fd1; color: #23389c; font-weight: 600; }
label { display: block; font-weight: 600; margin: 8px 0 4px; }
input, textarea, select { width: 100%; font: inherit; border: 1px solid #b9c0cc; border-radius: 8px; padding: 8px; color: inherit; }
textarea { min-height: 90px; resize: vertical; }
select { background: Field; }
.stars { display: flex; gap: 4px; border: 0; padding: 0; margin: 8px 0 0; }
.stars legend { font-weight: 600; margin-bottom: 4px; padding: 0; }
.stars input { position: absolute; opacity: 0; width: 1px; }
.stars label { margin: 0; font-size: 22px; color: #8a93a3; cursor: pointer; font-weight: 400; }
.stars input:checked + label, .stars label.on { color: #b7791f; }
.stars input:focus-visible + label { outline: 3px solid #8aa2ff; border-radius: 4px; }
.send { margin-top: 12px; width: 100%; background: var(--brand, #2f4fd1); color: var(--brand-text, #fff); border: 0; border-radius: 8px; padding: 10px; font-size: 15px; font-weight: 600; cursor: pointer; }
.send:disabled { opacity: .6; }
.close { position: absolute; inset-inline-end: 10px; top: 8px; background: none; border: 0; font-size: 20px; cursor: pointer; color: #525a6b; }
.similar { margin-top: 8px; padding: 8px 10px; border-radius: 8px; background: #f4f6fa; border: 1px solid #dfe3e8; }
.similar[hidden] { display: none; }
.similar p { margin: 0 0 4px; }
.similar ul { list-style: none; margin: 0; padding: 0; }
.similar li { display: flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; justify-content: space-between; padding: 6px 0; border-top: 1px solid #dfe3e8; }
.similar li span { flex: 1 1 150px; min-width: 0; overflow-wrap: anywhere; }
.similar small { color: #525a6b; white-space: nowrap; }
.instead { flex: none; background: #fff; color: #23389c; border: 1px solid #2f4fd1; border-radius: 6px; padding: 4px 8px; font-size: 13px; font-weight: 600; cursor: pointer; }
.ideas { list-style: none; margin: 10px 0 0; padding: 0; max-height: min(360px, 50vh); overflow-y: auto; }
.ideas li { display: flex; gap: 10px; align-items: center; padding: 8px 2px; border-top: 1px solid #dfe3e8; }
.ideas li:first-child { border-top: 0; }
.ideas li > span { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.ideas small { display: block; color: #525a6b; }
.dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-inline-end: 4px;
       background: var(--dot, currentColor); }
.up { flex: none; width: 46px; background: #fff; color: #1b1f2a; border: 1px solid #b9c0cc; border-radius: 8px; padding: 4px 0; cursor: pointer; font-size: 14px; font-weight: 600; }
.up[aria-pressed="true"] { background: var(--brand, #2f4fd1); border-color: var(--brand, #2f4fd1); color: var(--brand-text, #fff); }
.link { background: none; border: 0; padding: 0; color: #23389c; text-decoration: underline; cursor: pointer; font: inherit; }
.msg { margin-top: 10px; padding: 8px 10px; border-radius: 8px; }
.msg.ok { background: #e8f6ee; color: #0b4d2a; }
.msg.err { background: #fdecea; color: #7a1710; }
:focus-visible { outline: 3px solid #8aa2ff; outline-offset: 2px; }
.news { max-height: min(420px, 60vh); overflow-y: auto; }
.news .entry + .entry { border-top: 1px solid #dfe3e8; margin-top: 10px; padding-top: 10px; }
.news h3 { font-size: 15px; margin: 0; overflow-wrap: anywhere; }
.news time, .muted { color: #525a6b; font-size: 12px; }
.news .rich { overflow-wrap: anywhere; } .news .rich img { max-width: 100%; height: auto; }
.news .rich pre { overflow-x: auto; white-space: pre-wrap; }
`;

// the app's statuses by id (names and colours): today's names until GET …/statuses answers
const STATUS = {};
const DEFAULT_NAMES = { open: "Open", under_review: "Under review", planned: "Planned",
                        in_progress: "In progress", completed: "Completed", declined: "Declined" };
const STATUS_TEXT = { open: () => t("status.open"), under_review: () => t("status.under_review"),
                      planned: () => t("status.planned"), in_progress: () => t("status.in_progress"),
                      completed: () => t("status.completed"), declined: () => t("status.declined") };

/** The app's own name of a status, or ours in the reader's language while it is the default. */
function statusName(id) {
  const found = STATUS[id];
  if (STATUS_TEXT[id] && (!found || found.name === DEFAULT_NAMES[id])) return STATUS_TEXT[id]();
  return found?.name || id;
}

/** A status's name after a dot of its colour (set through the CSSOM, not an inline style). */
function statusLabel(status) {
  const found = STATUS[status];
  const label = document.createElement("small");
  const dot = Object.assign(document.createElement("span"), { className: "dot" });
  dot.setAttribute("aria-hidden", "true");
  if (found?.color) dot.style.setProperty("--dot", found.color);
  label.append(dot, statusName(status));
  return label;
}

async function mount() {
  if (!script) return;
  const { key, api, userToken, label, mode: start = "feedback" } = script.dataset;
  let board = script.dataset.board || "general";  // board mode lists and suggests on this one
  const app = appOfKey(key);
  const server = client({ api, key, token: userToken || null });
  server.get(`/apps/${app}/statuses`).then((found) => {
    for (const s of found.items) STATUS[s.id] = s;
  }).catch(() => {});  // the default names still read well
  const host = document.createElement("div");
  host.setAttribute("data-featureboard-widget", "");
  const root = host.attachShadow({ mode: "open" });
  await useLanguage(pickLanguage(script.dataset.lang, null), host);
  root.innerHTML = `<style>${CSS}</style>
<button class="launcher" type="button" aria-expanded="false" aria-controls="fb-panel"></button>
<section class="panel" id="fb-panel" role="dialog" aria-modal="false" aria-labelledby="fb-title" hidden>
  <button class="close" type="button" data-i18n-label="widget.close">×</button>
  <h2 id="fb-title" data-i18n="widget.title"></h2>
  <div class="tabs" role="tablist">
    <button type="button" role="tab" aria-selected="false" data-mode="board" hidden data-i18n="widget.ideas"></button>
    <button type="button" role="tab" aria-selected="true" data-mode="feedback" data-i18n="widget.feedback"></button>
    <button type="button" role="tab" aria-selected="false" data-mode="feature" data-i18n="board.suggest"></button>
    <button type="button" role="tab" aria-selected="false" data-mode="changelog" data-i18n="changelog.title"></button>
  </div>
  <div data-for="board" hidden>
    <div class="boards" hidden>
      <label for="fb-board" data-i18n="widget.board"></label>
      <select id="fb-board"></select>
    </div>
    <label for="fb-search" data-i18n="widget.search"></label>
    <input id="fb-search" type="search" maxlength="100" autocomplete="off">
    <ul class="ideas" id="fb-ideas" data-i18n-label="widget.ideas" aria-live="polite"></ul>
  </div>
  <div class="news" data-for="changelog" hidden></div>
  <form novalidate>
    <div data-for="feedback">
      <label for="fb-message" data-i18n="widget.your_feedback"></label>
      <textarea id="fb-message" maxlength="5000"></textarea>
      <fieldset class="stars"><legend data-i18n="widget.rating"></legend></fieldset>
      <label for="fb-email" data-i18n="widget.email"></label>
      <input id="fb-email" type="email" autocomplete="email">
    </div>
    <div data-for="feature" hidden>
      <label for="fb-title-input" data-i18n="board.field_title"></label>
      <input id="fb-title-input" maxlength="120" autocomplete="off">
      <div class="similar" id="fb-similar" aria-live="polite" hidden></div>
      <label for="fb-details" data-i18n="board.field_details"></label>
      <textarea id="fb-details" maxlength="5000"></textarea>
    </div>
    <button class="send" type="submit" data-i18n="widget.send"></button>
  </form>
  <div class="msg" role="status" hidden></div>
</section>`;
  const $ = (selector) => root.querySelector(selector);
  const launcher = $(".launcher");
  const panel = $(".panel");
  const note = $(".msg");
  translatePage(root);
  launcher.textContent = label || t("widget.feedback");
  server.get(`/apps/${app}/public`)
    .then(({ branding }) => applyAccent(host, branding.accentColor))
    .catch(() => {});  // unbranded is fine
  const stars = $(".stars");
  for (let n = 1; n <= 5; n += 1) {
    const input = Object.assign(document.createElement("input"), { type: "radio", name: "rating", value: n, id: `fb-star-${n}` });
    const text = Object.assign(document.createElement("label"), { htmlFor: input.id, textContent: "★" });
    text.setAttribute("aria-label", t("widget.stars", { n, count: 5 }));
    stars.append(input, text);
  }
  let mode = "feedback";
  const focusOf = { board: "#fb-search", feedback: "#fb-message", feature: "#fb-title-input" };
  const toggle = (open) => {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    if (open) $(focusOf[mode]).focus();
    else launcher.focus();
  };
  launcher.addEventListener("click", () => toggle(panel.hidden));
  $(".close").addEventListener("click", () => toggle(false));
  root.addEventListener("keydown", (e) => { if (e.key === "Escape") toggle(false); });
  const select = (wanted) => {
    mode = wanted;
    root.querySelectorAll("[role=tab]").forEach((t) => t.setAttribute("aria-selected", String(t.dataset.mode === mode)));
    root.querySelectorAll("[data-for]").forEach((part) => { part.hidden = part.dataset.for !== mode; });
    $("form").hidden = mode === "board" || mode === "changelog";
    const news = $(".news");
    if (mode === "changelog") {  // loaded on first use: the button itself stays small
      import("./changelog.js").then(({ showChangelog }) => showChangelog(news, server, app))
        .catch((error) => { news.textContent = describe(error); });
    }
  };
  root.querySelectorAll("[role=tab]").forEach((tab) => tab.addEventListener("click", () => select(tab.dataset.mode)));
  const show = (text, kind) => { note.hidden = false; note.className = `msg ${kind}`; note.textContent = text; };
  const el = (tag, text, props = {}) => Object.assign(document.createElement(tag), { textContent: text, ...props });
  const similar = $("#fb-similar");
  const lookUp = async (q) => (await server.get(`/apps/${app}/requests/similar`, { q, board })).items;  // of the board suggested onto
  const instead = (match) => el("button", t("board.vote_instead"), { type: "button", className: "instead", onclick: async () => {
    try {
      await server.post(`/apps/${app}/requests/${match.id}/vote`);
      similar.hidden = true;
      $("#fb-title-input").value = "";
      show(t("board.vote_went", { title: match.title }), "ok");
    } catch (error) { show(describe(error), "err"); }
  } });
  const list = (heading, items) => {
    const ul = document.createElement("ul");
    for (const match of items) {
      const li = document.createElement("li");
      li.append(el("span", match.title), el("small", t("common.votes", { count: match.votes })), instead(match));
      ul.append(li);
    }
    similar.replaceChildren(el("p", heading), ul);
    similar.hidden = !items.length;
  };
  const ideas = $("#fb-ideas");
  const idea = (request) => {
    const li = document.createElement("li");
    const render = (r) => {
      const up = el("button", `▲ ${r.votes}`, { type: "button", className: "up" });
      up.setAttribute("aria-pressed", String(r.voted));
      up.setAttribute("aria-label", t(r.voted ? "board.unvote_label" : "board.vote_label", { title: r.title, count: r.votes }));
      up.addEventListener("click", async () => {
        const path = `/apps/${app}/requests/${r.id}/vote`;
        render({ ...r, voted: !r.voted, votes: r.votes + (r.voted ? -1 : 1) });  // at once
        try { render(await (r.voted ? server.del(path) : server.post(path))); } catch (error) {
          render(r);
          show(describe(error), "err");
        }
      });
      const text = el("span", r.title);
      text.append(statusLabel(r.status));
      li.replaceChildren(up, text);
    };
    render(request);
    return li;
  };
  let shown = 0;
  const showIdeas = async (q) => {
    const asked = ++shown;  // only the latest answer is shown
    try {
      const page = await server.get(`/apps/${app}/requests`, q.length > 1 ? { q, limit: 10, board } : { sort: "top", limit: 10, board });
      if (asked !== shown) return;
      const found = page.items.filter((r) => r.status !== "duplicate");
      ideas.replaceChildren(...found.map(idea));
      if (!found.length) {
        const suggest = el("button", t("widget.suggest_it"), { type: "button", className: "link", onclick: () => {
          select("feature");
          $("#fb-title-input").value = q;
          $("#fb-title-input").focus();
        } });
        const li = el("li", t(q ? "widget.no_idea_like" : "widget.no_ideas"));
        li.append(" ", suggest);
        ideas.append(li);
      }
    } catch (error) { show(describe(error), "err"); }
  };
  const showBoards = async () => {  // a switcher when the caller may see more than one board
    const found = await server.get(`/apps/${app}/boards`).catch(() => ({ items: [] }));
    if (found.items.length && !found.items.some((b) => b.id === board)) {
      board = found.items[0].id;  // data-board names one this caller may not see
      showIdeas($("#fb-search").value.trim());
    }
    if (found.items.length < 2) return;
    $("#fb-board").replaceChildren(...found.items.map((b) => new Option(b.name, b.id, false, b.id === board)));
    $(".boards").hidden = false;
  };
  $("#fb-board").addEventListener("change", (event) => {
    board = event.target.value;
    showIdeas($("#fb-search").value.trim());
  });
  let searching = null;
  $("#fb-search").addEventListener("input", (event) => {
    const q = event.target.value.trim();  // read now: after dispatch, the target is the host
    clearTimeout(searching);
    searching = setTimeout(() => showIdeas(q), 300);
  });
  let timer = null;
  let typed = 0;
  let confirmed = null;  // the title the user chose to post although it reads like another
  $("#fb-title-input").addEventListener("input", (event) => {
    clearTimeout(timer);
    const q = event.target.value.trim();
    if (q.length < 3) { similar.hidden = true; return; }
    const asked = ++typed;  // an answer that comes after a newer question (or a send) is dropped
    timer = setTimeout(() => lookUp(q).then((items) => asked === typed && list(t("widget.already"), items),
      () => { similar.hidden = true; }), 250);
  });
  $("form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const send = $(".send");
    send.disabled = true;
    note.hidden = true;
    try {
      if (mode === "feedback") {
        const rating = root.querySelector("input[name=rating]:checked");
        const body = { message: $("#fb-message").value, type: "widget", page: location.href.slice(0, 900) };
        if (rating) body.rating = Number(rating.value);
        if ($("#fb-email").value.trim()) body.email = $("#fb-email").value.trim();
        await server.post(`/apps/${app}/feedback`, body);
        $("#fb-message").value = "";
      } else {
        clearTimeout(timer);
        typed += 1;
        const wanted = $("#fb-title-input").value.trim();
        const same = confirmed === wanted ? null
          : (await lookUp(wanted).catch(() => [])).find((m) => m.score >= OBVIOUS);
        if (same) {
          confirmed = wanted;  // asked once: sending again posts
          list(t("widget.same_idea"), [same]);
          return;
        }
        await server.post(`/apps/${app}/requests`, { title: $("#fb-title-input").value,
                                                     description: $("#fb-details").value,
                                                     ...(board === "general" ? {} : { board }) });
        $("#fb-title-input").value = "";
        $("#fb-details").value = "";
        similar.hidden = true;
      }
      show(t("widget.thanks"), "ok");
    } catch (error) {
      show(describe(error), "err");
    } finally {
      send.disabled = false;
    }
  });
  if (start === "board") {
    $("[data-mode=board]").hidden = false;
    $("[data-mode=feature]").textContent = t("board.suggest_short");  // three tabs on one line
    select("board");
    showBoards();
    showIdeas("");
  }
  document.body.append(host);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
else mount();
