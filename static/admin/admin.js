// The team's console: apps and keys, triage, feedback, analytics, webhooks.
import { client, describe, loadConfig } from "../js/api.js";
import { announce, fill, h, statusBadge, STATUS_LABELS, STATUSES, useStatuses, when } from "../js/ui.js";
import { languageSwitcher, pickLanguage, t, translatePage, useLanguage } from "../js/i18n.js";
import { atLeast, finishProvider, showTeam, signInPage, takeLinkToken, verify } from "./team.js";

/** A screen's module, fetched when the screen first opens: the first load stays small. */
const lazy = (path, name) => async (...args) => (await import(path))[name](...args);
const showInsights = lazy("./insights.js", "showInsights");
const showChangelog = lazy("./changelog.js", "showChangelog");
const showWorkflow = lazy("./workflow.js", "showWorkflow");
const showModeration = lazy("./moderation.js", "showModeration");
const showComments = lazy("./comments.js", "showComments");
const githubDialog = lazy("./github.js", "githubDialog");
const tagsDialog = lazy("./tags.js", "tagsDialog");
const editTags = lazy("./tags.js", "editTags");
const showSettings = lazy("./settings.js", "showSettings");

const view = document.getElementById("view");
const messages = document.getElementById("messages");
const nav = document.getElementById("nav");
const account = document.getElementById("account");
const PRIORITIES = ["low", "medium", "high", "critical"];
const PRIORITY_NAMES = { low: () => t("priority.low"), medium: () => t("priority.medium"),
                         high: () => t("priority.high"), critical: () => t("priority.critical") };
const state = { config: null, api: null, apps: [], app: sessionStorage.getItem("fb-app") || "",
                role: "owner", member: null };
// the least role a tab needs: what a member may not use, it does not see
const TABS = { webhooks: "admin", export: "admin", changelog: "admin", workflow: "admin",
               moderation: "moderator",
               settings: "admin" };
const can = (least) => atLeast(state.role, least);

const fail = (error) => announce(messages, describe(error), "alert");
const ok = (text) => announce(messages, text);

function signIn() {
  nav.hidden = account.hidden = true;
  const tryKey = async (value) => {
    const api = client({ api: state.config.api, key: value });
    try {
      await api.get("/apps");
      sessionStorage.setItem("fb-admin-key", value);  // this tab only, never stored
      start();
    } catch (error) {
      if (error.status === 401) announce(messages, t("console.key_refused"), "alert");
      else fail(error);
    }
  };
  view.replaceChildren(signInPage({ config: state.config, messages, tryKey, fail }));
  document.getElementById("signin-email").focus();
}

async function start() {
  const key = sessionStorage.getItem("fb-admin-key");
  if (!key) return signIn();
  state.api = client({ api: state.config.api, key });
  nav.hidden = account.hidden = false;
  try {
    state.apps = (await state.api.get("/apps")).items;
    const me = await state.api.get("/session");
    state.role = me.role;
    state.member = me.member;
  } catch (error) {
    sessionStorage.removeItem("fb-admin-key");
    fail(error);
    return signIn();
  }
  nav.querySelectorAll("a[data-tab]").forEach((a) => { a.hidden = !can(TABS[a.dataset.tab] || "viewer"); });
  document.getElementById("who").textContent = state.member ? `${state.member.email} · ${state.role}` : "";
  if (!state.apps.some((a) => a.id === state.app)) state.app = state.apps[0]?.id || "";
  if (!location.hash) location.hash = "#/triage";
  route();
}

function appPicker(onChange) {
  const select = h("select", { id: "app-picker", onchange: (e) => {
    state.app = e.target.value;
    sessionStorage.setItem("fb-app", state.app);
    onChange();
  } }, ...state.apps.map((a) => h("option", { value: a.id, selected: a.id === state.app }, `\u2068${a.name} (${a.id})\u2069`)));  // isolated: its own direction
  return h("div", { style: "max-width:320px;margin-bottom:16px" }, h("label", { for: "app-picker" }, t("console.app")), select);
}

function snippet(app, publishableKey) {
  const widget = new URL("../widget/widget.js", import.meta.url).href;
  return `<script type="module" src="${widget}"\n  data-api="${state.config.api}"\n  data-key="${publishableKey}"></script>`;
}

function keysCard(app, keys) {
  const code = snippet(app, keys.publishableKey);
  return h("div", { class: "notice stack", role: "status" },
    h("strong", {}, t("console.copy_now")),
    h("div", {}, t("console.publishable_key"), " ", h("code", { class: "secret" }, keys.publishableKey)),
    h("div", {}, t("console.token_secret"), " ", h("code", {}, keys.userTokenSecret)),
    h("label", {}, t("console.embed")), h("pre", { dir: "ltr" }, code),
    h("button", { type: "button", onclick: async () => {
      await navigator.clipboard?.writeText(code).catch(() => {});
      ok(t("console.snippet_copied"));
    } }, t("console.copy_snippet")));
}

async function showApps() {
  const id = h("input", { id: "new-app-id", required: true, pattern: "[a-z0-9-]{2,40}" });
  const name = h("input", { id: "new-app-name", required: true });
  const anonymous = h("input", { id: "new-app-anon", type: "checkbox", style: "width:auto" });
  const created = h("div");
  const rows = state.apps.map((app) => h("tr", {},
    h("td", {}, h("strong", {}, app.name), h("div", { class: "muted" }, app.id)),
    h("td", { class: "optional" }, app.allowAnonymous ? t("console.anon_allowed") : t("console.signed_in_only")),
    h("td", {}, can("admin") ? h("button", { type: "button", class: "danger", onclick: async (e) => {
      if (!confirm(t("console.rotate_confirm", { name: app.name }))) return;
      try {
        const keys = await state.api.post(`/apps/${app.id}/keys/rotate`);
        e.target.closest("td").append(keysCard(app, keys));
      } catch (error) { fail(error); }
    } }, t("console.rotate")) : null)));
  fill(view, h("h2", {}, t("console.tab_apps")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("console.app")), h("th", { class: "optional" }, t("console.writes")), h("th", {}, t("console.keys")))),
      h("tbody", {}, ...rows)),
    can("admin") && h("form", { class: "card stack", style: "margin-top:20px", onsubmit: async (e) => {
      e.preventDefault();
      try {
        const app = await state.api.post("/apps", { id: id.value.trim(), name: name.value.trim(),
                                                    allowAnonymous: anonymous.checked });
        state.apps.push(app);
        created.replaceChildren(keysCard(app, app));
        ok(t("console.created", { name: app.name }));
      } catch (error) { fail(error); }
    } }, h("h3", { style: "margin:0" }, t("console.new_app")),
      h("div", { class: "grid2" }, h("div", {}, h("label", { for: "new-app-id" }, t("console.app_id")), id),
        h("div", {}, h("label", { for: "new-app-name" }, t("console.name")), name)),
      h("div", { class: "row" }, anonymous, h("label", { for: "new-app-anon", style: "margin:0" }, t("console.allow_anon"))),
      h("button", { class: "primary", type: "submit" }, t("console.create_app"))),
    created);
}

/** Ask for one value in a modal; ``input`` is the control read (``field`` may wrap it). */
async function dialog(title, field, input = field) {
  return new Promise((resolve) => {
    const box = h("dialog", { "aria-labelledby": "dialog-title" });
    const close = (value) => { box.close(); box.remove(); resolve(value); };
    box.append(h("form", { method: "dialog", class: "stack", onsubmit: (e) => {
      e.preventDefault();
      close(input.value);
    } }, h("h2", { id: "dialog-title", style: "margin:0;font-size:1.1rem" }, title), field,
      h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, t("common.save")),
        h("button", { type: "button", onclick: () => close(null) }, t("common.cancel")))));
    document.body.append(box);
    box.showModal();
    input.focus();
  });
}

/** Every other open request of the app, each once, most voted first: what one may merge into. */
async function mergeTargets(source) {
  const seen = new Map();
  let cursor = null;
  do {
    const page = await state.api.get(`/apps/${state.app}/requests`, { sort: "top", limit: 100, cursor });
    for (const o of page.items) if (o.id !== source.id && o.status !== "duplicate") seen.set(o.id, o);
    cursor = page.nextCursor;
  } while (cursor && seen.size < 1000);
  return [...seen.values()];
}

/** A searchable picker: type to narrow the list, pick one, merge. Resolves to an id or null. */
async function mergePicker(source) {
  let targets;
  try { targets = await mergeTargets(source); } catch (error) { fail(error); return null; }
  return new Promise((resolve) => {
    const box = h("dialog", { "aria-labelledby": "dialog-title" });
    const close = (value) => { box.close(); box.remove(); resolve(value); };
    const search = h("input", { id: "merge-search", type: "search", autocomplete: "off", placeholder: t("console.type_to_search") });
    const list = h("select", { id: "merge-target", size: 8, required: true, "aria-label": t("console.merge_into") });
    const count = h("p", { class: "muted", style: "margin:0", "aria-live": "polite" });
    const showMatches = () => {
      const words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
      const shown = targets.filter((o) => words.every((w) => o.title.toLowerCase().includes(w)));
      list.replaceChildren(...shown.map((o) => h("option", { value: o.id, title: t("common.votes", { count: o.votes }) }, o.title)));
      if (shown.length) list.selectedIndex = 0;
      count.textContent = shown.length ? t("console.requests_count", { count: shown.length }) : t("console.no_request_matches");
    };
    search.addEventListener("input", showMatches);
    showMatches();
    box.append(h("form", { method: "dialog", class: "stack", onsubmit: (e) => {
      e.preventDefault();
      if (list.value) close(list.value);
    } }, h("h2", { id: "dialog-title", style: "margin:0;font-size:1.1rem" }, t("console.merge_title", { title: source.title })),
      h("div", {}, h("label", { for: "merge-search" }, t("console.find_keep")), search), count, list,
      h("p", { class: "muted", style: "margin:0" }, t("console.merge_hint")),
      h("div", { class: "row" }, h("button", { class: "primary", type: "submit" }, t("console.merge")),
        h("button", { type: "button", onclick: () => close(null) }, t("common.cancel")))));
    box.addEventListener("cancel", () => close(null));
    document.body.append(box);
    box.showModal();
    search.focus();
  });
}

async function showTriage() {
  const filters = { status: "", sort: "new", board: "general", q: "" };
  const app = state.apps.find((a) => a.id === state.app);
  useStatuses(app.statuses);
  const boards = app.boards;
  const table = h("tbody");
  const search = h("input", { id: "triage-search", type: "search", autocomplete: "off", maxlength: 100,
                              placeholder: t("console.search_placeholder") });
  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      const q = search.value.trim();
      if (q === filters.q || q.length === 1) return;  // the API searches from 2 characters
      filters.q = q;
      load();
    }, 300);
  });
  const clearSearch = () => h("a", { href: "#", id: "triage-clear", onclick: (e) => {
    e.preventDefault();
    search.value = filters.q = "";
    load();
  } }, t("board.clear_search"));
  const bulkStatus = h("select", { id: "bulk-status", style: "width:auto", "aria-label": t("console.bulk_status") },
    ...Object.entries(STATUS_LABELS).filter(([s]) => s !== "duplicate").map(([v, l]) => h("option", { value: v }, l)));
  const selected = () => [...table.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value);
  const path = (id) => `/apps/${state.app}/requests/${id}`;
  const hasGithub = () => Boolean(state.apps.find((a) => a.id === state.app)?.integrations?.github?.configured);
  let requests = [];

  let latest = 0;  // a filter changed while a list loaded: only the newest load may show
  const load = async () => {
    const mine = ++latest;
    try {
      const found = [];
      let cursor = null;
      do {
        const page = await state.api.get(`/apps/${state.app}/requests`, { ...filters, limit: 100, cursor });
        if (mine !== latest) return;
        found.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor && found.length < 500);
      requests = found;
      table.replaceChildren(...requests.map(row));
      if (!requests.length) table.append(h("tr", {}, h("td", { colspan: 6, class: "empty" },
        ...(filters.q ? [t("board.no_match", { q: filters.q }), " ", clearSearch(), t("board.sentence_end")] : [t("console.no_requests")]))));
    } catch (error) { fail(error); }
  };

  const change = async (id, body) => {
    try {
      const saved = await state.api.patch(path(id), body);
      const badge = table.querySelector(`tr[data-id="${CSS.escape(id)}"] .badge`);
      if (badge) badge.replaceWith(statusBadge(saved.status));  // the row shows what was saved
      const kept = requests.findIndex((r) => r.id === id);
      if (kept >= 0) requests[kept] = saved;
      ok(t("console.saved"));
    } catch (error) { fail(error); await load(); }
  };

  const row = (r) => h("tr", { "data-id": r.id },
    h("td", { class: "pick" }, can("moderator") && h("input", { type: "checkbox", value: r.id, "aria-label": t("console.select_one", { title: r.title }), style: "width:auto" })),
    h("td", {}, h("strong", { class: "title", dir: "auto" }, r.title), h("div", { class: "meta" }, statusBadge(r.status),
      ...r.tags.map((tag) => h("span", { class: "tag" }, tag)), r.response ? t("console.answered") : null,
      can("moderator") && h("button", { type: "button", class: "small edit-tags", "aria-label": t("console.edit_tags_of", { title: r.title }),
        onclick: () => editTags({ state, request: r, ok, fail, dialog, done: load }) }, t("console.edit_tags"))),
      h("button", { type: "button", class: "small comments-open", "aria-label": t("console.comments_on", { title: r.title, count: r.commentCount }),
                    onclick: () => showComments({ state, request: r, can, ok, fail }) }, t("board.comments_count", { count: r.commentCount })),
      can("moderator") && boards.length > 1 && h("select", { class: "move-board small", "aria-label": t("console.board_of", { title: r.title }),
        onchange: async (e) => { await change(r.id, { board: e.target.value }); await load(); } },
        ...boards.map((b) => h("option", { value: b.id, selected: r.board === b.id }, t("console.board_named", { name: b.name }))))),
    h("td", { "data-label": t("console.votes") }, String(r.votes)),
    h("td", { "data-label": t("board.status") }, !can("moderator") ? r.status : h("select", { "aria-label": t("console.status_of", { title: r.title }), disabled: r.status === "duplicate",
      onchange: (e) => change(r.id, { status: e.target.value }) },
      ...Object.entries(STATUS_LABELS).map(([v, l]) => h("option", { value: v, selected: r.status === v,
                                                                      disabled: v === "duplicate" }, l)))),
    h("td", { class: "optional", "data-label": t("console.priority") }, !can("moderator") ? r.priority : h("select", { "aria-label": t("console.priority_of", { title: r.title }),
      onchange: (e) => change(r.id, { priority: e.target.value }) },
      ...PRIORITIES.map((p) => h("option", { value: p, selected: r.priority === p }, PRIORITY_NAMES[p]())))),
    h("td", {}, can("moderator") && h("div", { class: "row" },
      h("button", { type: "button", onclick: async () => {
        const text = await dialog(t("console.respond_to", { title: r.title }), h("textarea", { "aria-label": t("console.response") }, r.response || ""));
        if (text !== null) { await change(r.id, { response: text }); await load(); }
      } }, t("console.respond")),
      r.status === "duplicate"
        ? h("button", { type: "button", onclick: async () => {
            try { await state.api.post(`${path(r.id)}/unmerge`); ok(t("console.unmerged")); await load(); } catch (error) { fail(error); }
          } }, t("console.unmerge"))
        : h("button", { type: "button", onclick: async () => {
            const into = await mergePicker(r);
            if (!into) return;
            try { await state.api.post(`${path(r.id)}/merge`, { into }); ok(t("console.merged")); await load(); } catch (error) { fail(error); }
          } }, t("console.merge")),
      hasGithub() && h("button", { type: "button", class: "gh-button",
        onclick: () => githubDialog({ api: state.api, path: path(r.id), request: r, ok, canOpen: can("admin") }) }, "GitHub"),
      can("admin") && h("button", { type: "button", class: "danger", onclick: async () => {
        if (!confirm(t("console.delete_confirm", { title: r.title }))) return;
        try { await state.api.del(path(r.id)); ok(t("console.deleted")); await load(); } catch (error) { fail(error); }
      } }, t("common.delete")))));

  fill(view, h("div", { class: "row changelog-head" }, h("h2", { style: "margin:0" }, t("console.tab_triage")),
    can("admin") && h("button", { type: "button", id: "manage-tags", onclick: () => tagsDialog({ state, ok, fail, done: load }) },
      t("console.manage_tags"))), appPicker(load),
    h("div", { class: "filters" },
      h("div", {}, h("label", { for: "triage-search" }, t("board.search")), search),
      h("div", {}, h("label", { for: "triage-board" }, t("console.board")), h("select", { id: "triage-board", onchange: (e) => { filters.board = e.target.value; load(); } },
        ...boards.map((b) => h("option", { value: b.id }, b.visibility === "public" ? b.name : t(b.visibility === "private" ? "console.board_private" : "console.board_signed_in", { name: b.name }))))),
      h("div", {}, h("label", { for: "triage-status" }, t("board.status")), h("select", { id: "triage-status", onchange: (e) => { filters.status = e.target.value; load(); } },
        h("option", { value: "" }, t("console.any")), ...Object.entries(STATUS_LABELS).map(([v, l]) => h("option", { value: v }, l)))),
      h("div", {}, h("label", { for: "triage-sort" }, t("board.sort")), h("select", { id: "triage-sort", onchange: (e) => { filters.sort = e.target.value; load(); } },
        h("option", { value: "new" }, t("board.sort_new")), h("option", { value: "top" }, t("board.sort_top"))))),
    can("moderator") && h("div", { class: "row", style: "margin-bottom:12px" }, h("span", { class: "muted" }, t("console.with_selected")), bulkStatus,
      h("button", { type: "button", id: "bulk-apply", onclick: async () => {
        const ids = selected();
        for (const id of ids) await change(id, { status: bulkStatus.value });
        ok(t("console.updated_n", { count: ids.length }));
        await load();
      } }, t("console.set_status")),
      can("admin") && h("button", { type: "button", class: "danger", onclick: async () => {
        const ids = selected();
        if (!ids.length || !confirm(t("console.delete_n_confirm", { count: ids.length }))) return;
        for (const id of ids) await state.api.del(path(id)).catch(fail);
        ok(t("console.deleted_n", { count: ids.length }));
        await load();
      } }, t("common.delete"))),
    h("table", { class: "cards", id: "triage-table" }, h("thead", {}, h("tr", {}, h("th", {}, h("span", { class: "sr-only" }, t("console.select"))), h("th", {}, t("console.request")),
      h("th", {}, t("console.votes")), h("th", {}, t("board.status")), h("th", { class: "optional" }, t("console.priority")), h("th", {}, t("console.actions")))), table));
  await load();
}

async function showFeedback() {
  const table = h("tbody");
  const load = async () => {
    try {
      const page = await state.api.get(`/apps/${state.app}/feedback`, { limit: 100 });
      table.replaceChildren(...page.items.map((f) => h("tr", {},
        h("td", { "data-label": t("console.rating") }, f.rating ? h("span", { "aria-label": t("widget.stars", { n: f.rating, count: 5 }) }, "★".repeat(f.rating) + "☆".repeat(5 - f.rating)) : "—"),
        h("td", { class: "text", dir: "auto" }, f.message),
        h("td", { class: "optional", "data-label": t("console.type") }, f.type || "—"),
        h("td", { class: "optional", "data-label": t("console.from") }, [f.name, f.email].filter(Boolean).join(" · ") || "—"),
        h("td", { "data-label": t("console.date") }, when(f.createdAt)))));
      if (!page.items.length) table.append(h("tr", {}, h("td", { colspan: 5, class: "empty" }, t("console.no_feedback"))));
    } catch (error) { fail(error); }
  };
  view.replaceChildren(h("h2", {}, t("console.tab_feedback")), appPicker(load),
    h("table", { class: "cards", id: "feedback-table" }, h("thead", {}, h("tr", {}, h("th", {}, t("console.rating")), h("th", {}, t("console.message")), h("th", { class: "optional" }, t("console.type")),
      h("th", { class: "optional" }, t("console.from")), h("th", {}, t("console.date")))), table));
  await load();
}

/** Chart.js (71 KB of the console's 99 KB gzipped) loads with the screen that draws charts,
 * not with the console's first screen; the analytics figures show without it if it fails. */
let chartLoading = null;
function loadChart() {
  chartLoading ??= new Promise((resolve) => {
    const script = h("script", { src: new URL("../vendor/chart.umd.min.js", import.meta.url).href });
    script.addEventListener("load", () => resolve(window.Chart));
    script.addEventListener("error", () => { chartLoading = null; resolve(null); });
    document.head.append(script);
  });
  return chartLoading;
}

const KIND_NAMES = { open: () => t("kind.open"), active: () => t("kind.active"),
                     done: () => t("kind.done"), closed: () => t("kind.closed") };

async function showAnalytics() {
  const body = h("div");
  const charts = [];
  const load = async () => {
    charts.splice(0).forEach((c) => c.destroy());
    try {
      const a = await state.api.get(`/apps/${state.app}/analytics`);
      useStatuses(state.apps.find((x) => x.id === state.app).statuses);
      const boardNames = Object.fromEntries(state.apps.find((x) => x.id === state.app).boards.map((b) => [b.id, b.name]));
      const canvas = (id, label) => h("figure", { class: "card", style: "margin:0" },
        h("figcaption", { style: "font-weight:600;margin-bottom:8px" }, label), h("canvas", { id, role: "img", "aria-label": label }));
      body.replaceChildren(
        h("div", { class: "grid2", style: "margin-bottom:16px" },
          ...[[t("console.requests"), a.requests], [t("console.votes"), a.totalVotes], [t("board.comments"), a.comments],
              [t("console.tab_feedback"), a.feedbackCount], [t("console.average_rating"), a.averageRating ?? "—"],
              ...Object.entries(a.byStatusKind).map(([kind, n]) => [KIND_NAMES[kind]?.() || kind, n]),
              ...(Object.keys(a.byBoard).length > 1 ? Object.entries(a.byBoard).map(([b, n]) => [t("console.board_named", { name: boardNames[b] || b }), n]) : [])]
            .map(([label, value]) => h("div", { class: "card" }, h("div", { class: "muted" }, label), h("div", { class: "stat" }, String(value))))),
        h("div", { class: "grid2" }, canvas("chart-status", t("console.by_status")), canvas("chart-weeks", t("console.per_week")),
          a.topTags.length ? h("figure", { class: "card", style: "margin:0" },
            h("figcaption", { style: "font-weight:600;margin-bottom:8px" }, t("console.top_tags")),
            h("div", { style: "position:relative" }, h("canvas", { id: "chart-tags", role: "img", "aria-label": t("console.top_tags") })))
            : h("div", { class: "card empty" }, t("console.no_tags"))));
      const Chart = await loadChart();
      if (Chart) {
        const statuses = Object.keys(a.byStatus);
        charts.push(new Chart(document.getElementById("chart-status"), { type: "bar",
          data: { labels: statuses.map((s) => STATUS_LABELS[s] || s), datasets: [{ label: t("console.requests"), data: statuses.map((s) => a.byStatus[s]),
            backgroundColor: statuses.map((s) => STATUSES.find((x) => x.id === s)?.color || "#2f4fd1") }] },
          options: { plugins: { legend: { display: false } } } }));
        // bars: one week is one readable bar, where a line of one point is a lone dot
        charts.push(new Chart(document.getElementById("chart-weeks"), { type: "bar",
          data: { labels: a.requestsPerWeek.map((w) => w.week), datasets: [{ label: t("console.requests"), data: a.requestsPerWeek.map((w) => w.count), backgroundColor: "#2f4fd1", maxBarThickness: 48 }] },
          options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } }));
        const tagCanvas = document.getElementById("chart-tags");
        if (tagCanvas) tagCanvas.parentElement.style.height = `${Math.max(160, 28 * a.topTags.length + 60)}px`;
        if (tagCanvas) charts.push(new Chart(tagCanvas, { type: "bar",
          data: { labels: a.topTags.map((t) => t.tag), datasets: [{ label: t("console.requests"), data: a.topTags.map((t) => t.count), backgroundColor: "#116b3a" }] },
          options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } },
                     scales: { y: { ticks: { autoSkip: false } }, x: { beginAtZero: true, ticks: { precision: 0 } } } } }));
      }
    } catch (error) { fail(error); }
  };
  view.replaceChildren(h("h2", {}, t("console.tab_analytics")), appPicker(load), body);
  await load();
}

const HOOK_FORMATS = { json: () => t("console.signed_json"), slack: () => "Slack", discord: () => "Discord",
                       teams: () => "Microsoft Teams" };

async function showWebhooks() {
  const body = h("div");
  const load = async () => {
    try {
      const app = await state.api.get(`/apps/${state.app}`);
      const deliveries = await state.api.get(`/apps/${state.app}/webhooks/deliveries`, { limit: 50 });
      const url = h("input", { id: "hook-url", type: "url", required: true, placeholder: "https://…" });
      const format = h("select", { id: "hook-format" }, ...Object.entries(HOOK_FORMATS).map(([value, label]) => h("option", { value }, label())));
      const save = async (hooks) => {
        try {
          const saved = await state.api.patch(`/apps/${state.app}`, { webhooks: hooks });
          const fresh = saved.webhooks.find((w) => w.secret && w.format === "json");
          await load();
          if (fresh) body.prepend(h("div", { class: "notice" }, t("console.signing_secret"), " ", h("code", {}, fresh.secret)));
        } catch (error) { fail(error); }
      };
      // "Send test message": queued like any event, so its result shows under Recent deliveries.
      const test = async (hook) => {
        try {
          await state.api.post(`/apps/${state.app}/webhooks/test`, { url: hook.url });
          body.prepend(h("div", { class: "notice", id: "test-queued" }, t("console.test_queued", { url: hook.url })));
          setTimeout(load, 3000);
        } catch (error) { fail(error); }
      };
      const current = app.webhooks.map((w) => ({ url: w.url, events: w.events, format: w.format || "json" }));
      fill(body,
        app.webhooks.length ? null : h("p", { class: "card empty", id: "no-webhooks" }, t("console.no_webhooks")),
        h("ul", { class: "list" }, ...app.webhooks.map((w) => h("li", { class: "card row" },
          h("code", { style: "margin-inline-end:auto", dir: "ltr" }, w.url), h("span", { class: "muted" }, `${HOOK_FORMATS[w.format || "json"]()} · ${w.events.join(", ")}`),
          h("button", { type: "button", class: "test-hook", onclick: () => test(w) }, t("console.send_test")),
          h("button", { type: "button", class: "danger", onclick: () => save(current.filter((c) => c.url !== w.url)) }, t("console.remove"))))),
        h("form", { class: "card stack", style: "margin-top:12px", onsubmit: (e) => {
          e.preventDefault();
          save([...current, { url: url.value.trim(), events: ["*"], format: format.value }]);
        } }, h("label", { for: "hook-url" }, t("console.add_webhook")), url,
          h("label", { for: "hook-format" }, t("console.format")), format, h("button", { class: "primary", type: "submit" }, t("console.add"))),
        h("h3", {}, t("console.recent_deliveries")),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("console.event")), h("th", { class: "optional" }, "URL"), h("th", {}, t("console.result")), h("th", {}, t("console.when")))),
          h("tbody", {}, ...deliveries.items.map((d) => h("tr", {}, h("td", {}, d.type), h("td", { class: "optional" }, d.url),
            h("td", {}, d.error ? `${d.error}${d.nextRetryAt ? t("console.will_retry") : ""}` : String(d.statusCode)), h("td", {}, when(d.at)))),
            deliveries.items.length ? null : h("tr", {}, h("td", { colspan: 4, class: "empty", id: "no-deliveries" },
              t("console.no_deliveries"))))));
    } catch (error) { fail(error); }
  };
  view.replaceChildren(h("h2", {}, t("console.tab_webhooks")), appPicker(load), body);
  await load();
}

async function showExports() {
  const note = h("div");
  const download = async (format, full = false) => {
    const name = `${state.app}.${full ? "full." : ""}${format}`;
    try {
      const query = `format=${format}${full ? "&full=true" : ""}`;
      const response = await fetch(`${state.config.api}/apps/${state.app}/export?${query}`, {
        headers: { Authorization: `Bearer ${sessionStorage.getItem("fb-admin-key")}` } });
      if (response.status === 202) {
        const pending = await response.json();
        note.replaceChildren(h("div", { class: "notice" }, t("console.export_pending", { count: pending.requests }), " ",
          h("a", { href: pending.url }, t("console.download_it")), " ", t("console.download_soon")));
        return;
      }
      if (!response.ok) throw new Error(String(response.status));
      const link = h("a", { href: URL.createObjectURL(await response.blob()), download: name });
      document.body.append(link);
      link.click();
      link.remove();
      ok(t("console.downloaded", { name }));
    } catch (error) { fail(error); }
  };
  view.replaceChildren(h("h2", {}, t("console.tab_export")), appPicker(() => {}),
    h("p", { class: "muted" }, t("console.export_hint")),
    h("div", { class: "row" }, ...["csv", "json", "jsonl"].map((format) =>
      h("button", { type: "button", onclick: () => download(format) }, t("console.download_format", { format: format.toUpperCase() })))),
    h("p", { class: "muted" }, t("console.full_export_hint")),
    h("div", { class: "row" },
      h("button", { type: "button", onclick: () => download("jsonl", true) }, t("console.download_all"))), note);
}

function route() {
  messages.replaceChildren();
  let tab = (location.hash.match(/^#\/(\w+)/) || [])[1] || "triage";
  if (!can(TABS[tab] || "viewer")) tab = "triage";
  nav.querySelectorAll("a").forEach((a) => {
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  if (!state.app && tab !== "apps" && tab !== "team") {
    view.replaceChildren(h("p", {}, t("console.no_apps"), " ", h("a", { href: "#/apps" }, t("console.create_one"))));
    return;
  }
  return ({ apps: showApps, triage: showTriage, feedback: showFeedback, analytics: showAnalytics,
            webhooks: showWebhooks, export: showExports, team: () => showTeam({ state, view, ok, fail }),
            insights: () => showInsights({ state, view, appPicker, ok, fail }),
            changelog: () => showChangelog({ state, view, appPicker, ok, fail }),
            workflow: () => showWorkflow({ state, view, appPicker, ok, fail }),
            moderation: () => showModeration({ state, view, appPicker, ok, fail, can }),
            settings: () => showSettings({ state, view, appPicker, ok, fail }) })[tab]?.() ?? showTriage();
}

document.getElementById("sign-out").addEventListener("click", async () => {
  if (state.member) await state.api.del("/session").catch(() => {});  // the session ends now
  sessionStorage.removeItem("fb-admin-key");
  state.role = "owner";
  state.member = null;
  signIn();
});
window.addEventListener("hashchange", () => state.api && route());
state.config = await loadConfig(new URL("../", import.meta.url));
await useLanguage(pickLanguage(state.config.lang));
translatePage();
document.title = t("console.title");
document.querySelector("header.top .wrap h1").after(languageSwitcher(h));
if (!state.config.api) announce(messages, t("console.needs_config"), "alert");
else {
  const token = takeLinkToken();
  try {
    const session = token ? await verify(state.config, token) : await finishProvider(state.config);
    if (session) sessionStorage.setItem("fb-admin-key", session);
  } catch (error) {
    announce(messages, token ? t("console.link_expired")
                             : t("console.provider_failed"), "alert");
  }
  start();
}
