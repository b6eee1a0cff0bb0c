// The console's Insights screen: what the AI found, and one click to act on it.
// Duplicate groups (score, reason, merge / unmerge), priority and category per request with
// the reasons, the sentiment of feedback with a filter, the last run and "run now".
import { h, statusBadge, when } from "../js/ui.js";
import { atLeast } from "./team.js";
import { language, t } from "../js/i18n.js";

const SENTIMENTS = { positive: () => t("insights.positive"), neutral: () => t("insights.neutral"),
                     negative: () => t("insights.negative") };
const RUN_WAIT_MS = 60000;

/** Everything of the app the screen shows: the last run, its requests, the feedback. */
async function gather(api, app) {
  const [run, feedback] = await Promise.all([
    api.get(`/apps/${app}/insights`, { limit: 100 }),
    api.get(`/apps/${app}/feedback`, { limit: 100 }),
  ]);
  const requests = new Map();
  let cursor = null;
  do {
    const page = await api.get(`/apps/${app}/requests`, { sort: "top", limit: 100, cursor });
    page.items.forEach((r) => requests.set(r.id, r));
    cursor = page.nextCursor;
  } while (cursor && requests.size < 1000);
  return { run, feedback: feedback.items, requests };
}

function percent(score) {
  return new Intl.NumberFormat(language(), { style: "percent" }).format(score);
}

/** The member that stays: the one the others were merged into, else the most voted. */
function keeperOf(members) {
  const into = members.find((m) => members.some((o) => o.duplicateOf === m.id));
  return into || [...members].sort((a, b) => b.votes - a.votes || a.createdAt.localeCompare(b.createdAt))[0];
}

function groupCard(group, n, requests, act) {
  const members = group.ids.map((id) => requests.get(id)).filter(Boolean);
  if (members.length < 2) return null;
  const keeper = keeperOf(members);
  const others = members.filter((m) => m.id !== keeper.id);
  const merged = others.every((m) => m.status === "duplicate" && m.duplicateOf === keeper.id);
  const heading = `group-${n}`;
  return h("section", { class: "card stack insight-group", "aria-labelledby": heading, "data-ids": group.ids.join(" ") },
    h("div", { class: "row insight-head" },
      h("h4", { id: heading, style: "margin:0" }, t("insights.same_thing", { count: members.length })),
      h("span", { class: "score", title: t("insights.alike") }, percent(group.score))),
    h("p", { class: "muted", style: "margin:0" }, group.reason),
    h("ul", { class: "insight-members" }, ...members.map((m) => h("li", {},
      h("span", { class: "title" }, m.title), " ",
      h("span", { class: "meta" }, statusBadge(m.status), " ", t("common.votes", { count: m.votes }),
        m.id === keeper.id ? t("insights.kept") : "")))),
    act && h("div", { class: "row" }, merged
      ? h("button", { type: "button", onclick: () => act("unmerge", keeper, others) }, t("console.unmerge"))
      : h("button", { type: "button", class: "primary", onclick: () => act("merge", keeper, others) },
        t("insights.merge_into", { title: keeper.title }))));
}

function requestRows(insights, requests) {
  return insights.map((i) => {
    const r = requests.get(i.id);
    return h("tr", { "data-id": i.id },
      h("td", {}, h("strong", { class: "title" }, r ? r.title : i.summary),
        h("div", { class: "meta muted" }, i.reason || "")),
      h("td", {}, i.category),
      h("td", {}, String(i.priorityScore)),
      h("td", { class: "optional" }, SENTIMENTS[i.sentiment]?.() || i.sentiment));
  });
}

function feedbackRows(items, filter) {
  const shown = items.filter((f) => !filter || f.sentiment === filter);
  if (!shown.length) return [h("tr", {}, h("td", { colspan: 3, class: "muted" }, t("insights.no_feedback")))];
  return shown.map((f) => h("tr", { "data-sentiment": f.sentiment || "" },
    h("td", {}, h("span", { class: `badge sentiment-${f.sentiment || "none"}` }, SENTIMENTS[f.sentiment]?.() || f.sentiment || t("insights.not_read"))),
    h("td", { class: "text" }, f.message),
    h("td", { class: "optional" }, when(f.createdAt))));
}

/** Draw the screen into ``view``; ``appPicker``, ``ok`` and ``fail`` are the console's. */
export async function showInsights({ state, view, appPicker, ok, fail }) {
  const api = state.api;
  const status = h("p", { id: "insights-run", class: "muted", style: "margin:0" });
  const groups = h("div", { id: "insight-groups", class: "stack" });
  const table = h("tbody");
  const feedbackTable = h("tbody");
  let data = null;
  let filter = "";

  const draw = () => {
    const { run, feedback, requests } = data;
    status.textContent = run.ranAt
      ? t("insights.last_run", { date: new Date(run.ranAt).toLocaleString(language()), provider: run.provider })
      : t("insights.not_yet");
    const cards = run.duplicateGroups.map((g, n) => groupCard(g, n, requests, atLeast(state.role, "moderator") ? act : null)).filter(Boolean);
    groups.replaceChildren(...(cards.length ? cards : [h("p", { class: "muted" }, t("insights.no_duplicates"))]));
    table.replaceChildren(...requestRows(run.requests, requests));
    feedbackTable.replaceChildren(...feedbackRows(feedback, filter));
  };

  const load = async () => {
    try {
      data = await gather(api, state.app);
      draw();
    } catch (error) { fail(error); }
  };

  async function act(kind, keeper, others) {
    try {
      for (const m of others) {
        const path = `/apps/${state.app}/requests/${m.id}`;
        if (kind === "merge" && m.status !== "duplicate") await api.post(`${path}/merge`, { into: keeper.id });
        if (kind === "unmerge" && m.status === "duplicate") await api.post(`${path}/unmerge`);
      }
      ok(kind === "merge" ? t("insights.merged", { title: keeper.title }) : t("console.unmerged"));
    } catch (error) { fail(error); }
    await load();
  }

  const runNow = h("button", { type: "button", id: "run-insights", onclick: async () => {
    const before = data?.run.ranAt || null;
    runNow.disabled = true;
    try {
      await api.post(`/apps/${state.app}/insights/run`);
      ok(t("insights.queued"));
      const until = Date.now() + RUN_WAIT_MS;
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const run = await api.get(`/apps/${state.app}/insights`, { limit: 1 });
        if (run.ranAt && run.ranAt !== before) break;
      }
      await load();
      ok(t("insights.done"));
    } catch (error) { fail(error); }
    runNow.disabled = false;
  } }, t("insights.run_now"));

  const sentimentFilter = h("select", { id: "sentiment-filter", onchange: async (e) => {
    filter = e.target.value;
    await load();  // feedback is read on the stream: fetch what has been read since
  } }, h("option", { value: "" }, t("insights.all")), ...Object.entries(SENTIMENTS).map(([s, name]) => h("option", { value: s }, name())));

  view.replaceChildren(h("h2", {}, t("console.tab_insights")), appPicker(load),
    h("div", { class: "row", style: "margin-bottom:16px" }, status, atLeast(state.role, "admin") && runNow),
    h("h3", {}, t("insights.duplicates")), groups,
    h("h3", {}, t("insights.priority_category")),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("insights.request_why")), h("th", {}, t("insights.category")),
      h("th", {}, t("console.priority")), h("th", { class: "optional" }, t("insights.tone")))), table),
    h("h3", {}, t("insights.sentiment_title")),
    h("div", { style: "max-width:240px;margin-bottom:8px" }, h("label", { for: "sentiment-filter" }, t("board.show")), sentimentFilter),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("insights.sentiment")), h("th", {}, t("console.message")),
      h("th", { class: "optional" }, t("console.date")))), feedbackTable));
  await load();
}
