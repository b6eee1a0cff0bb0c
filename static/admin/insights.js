// The console's Insights screen: what the AI found, and one click to act on it.
// Duplicate groups (score, reason, merge / unmerge), priority and category per request with
// the reasons, the sentiment of feedback with a filter, the last run and "run now".
import { h, statusBadge, when } from "../js/ui.js";
import { atLeast } from "./team.js";

const SENTIMENTS = ["positive", "neutral", "negative"];
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
  return `${Math.round(score * 100)}%`;
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
      h("h4", { id: heading, style: "margin:0" }, `${members.length} requests ask for the same thing`),
      h("span", { class: "score", title: "How alike they read, 0–100%" }, percent(group.score))),
    h("p", { class: "muted", style: "margin:0" }, group.reason),
    h("ul", { class: "insight-members" }, ...members.map((m) => h("li", {},
      h("span", { class: "title" }, m.title), " ",
      h("span", { class: "meta" }, statusBadge(m.status), ` ${m.votes} votes`,
        m.id === keeper.id ? " · kept" : "")))),
    act && h("div", { class: "row" }, merged
      ? h("button", { type: "button", onclick: () => act("unmerge", keeper, others) }, "Unmerge")
      : h("button", { type: "button", class: "primary", onclick: () => act("merge", keeper, others) },
        `Merge into “${keeper.title}”`)));
}

function requestRows(insights, requests) {
  return insights.map((i) => {
    const r = requests.get(i.id);
    return h("tr", { "data-id": i.id },
      h("td", {}, h("strong", { class: "title" }, r ? r.title : i.summary),
        h("div", { class: "meta muted" }, i.reason || "")),
      h("td", {}, i.category),
      h("td", {}, String(i.priorityScore)),
      h("td", { class: "optional" }, i.sentiment));
  });
}

function feedbackRows(items, filter) {
  const shown = items.filter((f) => !filter || f.sentiment === filter);
  if (!shown.length) return [h("tr", {}, h("td", { colspan: 3, class: "muted" }, "No feedback here."))];
  return shown.map((f) => h("tr", { "data-sentiment": f.sentiment || "" },
    h("td", {}, h("span", { class: `badge sentiment-${f.sentiment || "none"}` }, f.sentiment || "not read yet")),
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
      ? `Last run ${new Date(run.ranAt).toLocaleString()} (${run.provider}).`
      : "Not analysed yet: run it now, or wait for the nightly run.";
    const cards = run.duplicateGroups.map((g, n) => groupCard(g, n, requests, atLeast(state.role, "moderator") ? act : null)).filter(Boolean);
    groups.replaceChildren(...(cards.length ? cards : [h("p", { class: "muted" }, "No likely duplicates.")]));
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
      ok(kind === "merge" ? `Merged into “${keeper.title}”: its voters moved.` : "Unmerged.");
    } catch (error) { fail(error); }
    await load();
  }

  const runNow = h("button", { type: "button", id: "run-insights", onclick: async () => {
    const before = data?.run.ranAt || null;
    runNow.disabled = true;
    try {
      await api.post(`/apps/${state.app}/insights/run`);
      ok("Analysis queued.");
      const until = Date.now() + RUN_WAIT_MS;
      while (Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const run = await api.get(`/apps/${state.app}/insights`, { limit: 1 });
        if (run.ranAt && run.ranAt !== before) break;
      }
      await load();
      ok("Analysis done.");
    } catch (error) { fail(error); }
    runNow.disabled = false;
  } }, "Run now");

  const sentimentFilter = h("select", { id: "sentiment-filter", onchange: async (e) => {
    filter = e.target.value;
    await load();  // feedback is read on the stream: fetch what has been read since
  } }, h("option", { value: "" }, "All"), ...SENTIMENTS.map((s) => h("option", { value: s }, s)));

  view.replaceChildren(h("h2", {}, "Insights"), appPicker(load),
    h("div", { class: "row", style: "margin-bottom:16px" }, status, atLeast(state.role, "admin") && runNow),
    h("h3", {}, "Likely duplicates"), groups,
    h("h3", {}, "Priority and category"),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Request and why"), h("th", {}, "Category"),
      h("th", {}, "Priority"), h("th", { class: "optional" }, "Tone"))), table),
    h("h3", {}, "Feedback sentiment"),
    h("div", { style: "max-width:240px;margin-bottom:8px" }, h("label", { for: "sentiment-filter" }, "Show"), sentimentFilter),
    h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "Sentiment"), h("th", {}, "Message"),
      h("th", { class: "optional" }, "Date"))), feedbackTable));
  await load();
}
