// The console's moderation queue: what waits for approval, oldest first, with its spam score
// and the reasons for it. A moderator clears it from the keyboard: j/k (or the arrows) move,
// a approves, r rejects, b then b again bans the author. Admins also choose who is held.
import { h, plural } from "../js/ui.js";

const PAGE = 20;
const SPAM_AT = 0.5;  // chalicelib/spam.py's SPAM_AT: from here a post is marked likely spam
const REASONS = {
  links: "links", repeated_text: "repeated text", promotional: "promotional words",
  shouting: "shouting", posting_rate: "posting fast", new_identity: "new author",
};
const HOLD = [["none", "Nobody: everything is public at once"],
              ["anonymous", "Anonymous visitors' posts"],
              ["all", "Every end user's posts"]];
const SHORTCUTS = [["j", "↓", "next"], ["k", "↑", "previous"], ["a", null, "approve"],
                   ["r", null, "reject"], ["b", null, "ban the author (press twice)"]];

function setting({ state, ok, fail }) {
  const app = state.apps.find((a) => a.id === state.app);
  const select = h("select", { id: "mod-setting", onchange: async () => {
    try {
      const saved = await state.api.patch(`/apps/${state.app}`, { moderation: select.value });
      Object.assign(app, saved);
      ok(`Saved: ${HOLD.find(([v]) => v === saved.moderation)[1].toLowerCase()} wait for approval.`);
    } catch (error) { fail(error); }
  } }, ...HOLD.map(([value, label]) => h("option", { value, selected: app?.moderation === value }, label)));
  return h("div", { style: "max-width:360px" }, h("label", { for: "mod-setting" }, "Hold for approval"), select);
}

function shortcuts() {
  return h("p", { class: "muted shortcuts", id: "mod-keys" }, "Keyboard: ",
    ...SHORTCUTS.flatMap(([key, alt, what], i) => [i ? " · " : "", h("kbd", {}, key),
      alt ? ["/", h("kbd", {}, alt)] : "", ` ${what}`]));
}

function row(item, act) {
  const spam = item.spamScore >= SPAM_AT;
  const text = item.kind === "request" ? item.title : item.body;
  return h("li", { class: `card mod-item${spam ? " spam" : ""}`, "data-id": item.id, role: "option",
                   "aria-selected": "false", tabindex: "-1" },
    h("div", { class: "meta" },
      h("span", { class: "badge" }, item.kind === "request" ? "Request" : "Comment"),
      h("span", { class: `score${spam ? " high" : ""}`, title: "Spam score, 0 to 100" },
        `Spam ${Math.round(item.spamScore * 100)}`),
      ...item.spamReasons.map((r) => h("span", { class: "reason" }, REASONS[r] || r)),
      h("span", {}, `by ${item.author.name || item.author.id}`)),
    h("p", { class: "mod-text", dir: "auto" }, text),
    item.kind === "comment" ? h("p", { class: "muted", dir: "auto" }, `on “${item.requestTitle}”`)
      : item.body ? h("p", { class: "muted excerpt", dir: "auto" }, item.body) : null,
    h("div", { class: "row" },
      h("button", { type: "button", class: "primary", onclick: () => act(item, "approve") }, "Approve"),
      h("button", { type: "button", onclick: () => act(item, "reject") }, "Reject"),
      h("button", { type: "button", class: "danger", onclick: () => act(item, "ban") }, "Ban author")));
}

export async function showModeration({ state, view, appPicker, ok, fail, can }) {
  const list = h("ul", { class: "list mod-queue", id: "mod-queue", role: "listbox", tabindex: "0",
                         "aria-label": "Awaiting approval" });
  const status = h("p", { id: "mod-count", class: "muted", "aria-live": "polite" });
  let items = [], at = 0, cursor = null, armed = null;

  const select = (index) => {
    at = Math.max(0, Math.min(index, items.length - 1));
    list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === at)));
    const current = list.children[at];
    if (current) {
      list.setAttribute("aria-activedescendant", "");
      current.scrollIntoView({ block: "nearest" });
    }
  };
  const render = () => {
    status.textContent = items.length ? `${plural(items.length, "post")} awaiting approval${cursor ? " (more after these)" : ""}.`
                                      : "Nothing awaits approval.";
    list.replaceChildren(...items.map((item) => row(item, act)));
    list.hidden = !items.length;
    select(at);
  };
  const load = async () => {
    try {
      const page = await state.api.get(`/apps/${state.app}/moderation`, { limit: PAGE });
      items = page.items;
      cursor = page.nextCursor;
      at = 0;
      render();
    } catch (error) { fail(error); }
  };
  const path = (item) => item.kind === "request" ? `/apps/${state.app}/requests/${item.id}`
    : `/apps/${state.app}/requests/${item.requestId}/comments/${item.id}`;
  async function act(item, action) {
    try {
      if (action === "ban") {
        if (armed !== item.id) {
          armed = item.id;
          return ok(`Ban ${item.author.name || item.author.id}? Press b or Ban author again to confirm.`);
        }
        await state.api.put(`/apps/${state.app}/users/${encodeURIComponent(item.author.id)}/ban`,
                            { reason: "from the moderation queue" });
        armed = null;
        action = "reject";  // a banned author's post goes with the ban
        ok(`Banned ${item.author.name || item.author.id}.`);
      }
      await state.api.post(`${path(item)}/${action}`);
      items = items.filter((i) => i !== item);
      if (action !== "reject" || !armed) ok(`${action === "approve" ? "Approved" : "Rejected"}: ${item.title || item.body}`.slice(0, 120));
      if (!items.length && cursor) return load();
      render();
      list.focus();
    } catch (error) { fail(error); }
  }
  list.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || !items.length) return;
    const key = event.key;
    const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 };
    if (key in moves) select(at + moves[key]);
    else if (key === "a") act(items[at], "approve");
    else if (key === "r") act(items[at], "reject");
    else if (key === "b") act(items[at], "ban");
    else return;
    if (key !== "b") armed = null;
    event.preventDefault();
  });
  view.replaceChildren(h("h2", {}, "Moderation"), appPicker(() => showModeration({ state, view, appPicker, ok, fail, can })),
    can("admin") ? setting({ state, ok, fail }) : null, shortcuts(), status, list);
  await load();
  list.focus();
}
