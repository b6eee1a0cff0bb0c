// The console's moderation queue: what waits for approval, oldest first, with its spam score
// and the reasons for it. A moderator clears it from the keyboard: j/k (or the arrows) move,
// a approves, r rejects, b then b again bans the author. Admins also choose who is held.
import { fill, h } from "../js/ui.js";
import { t } from "../js/i18n.js";

const PAGE = 20;
const SPAM_AT = 0.5;  // chalicelib/spam.py's SPAM_AT: from here a post is marked likely spam
const REASONS = {
  links: () => t("mod.links"), repeated_text: () => t("mod.repeated"), promotional: () => t("mod.promotional"),
  shouting: () => t("mod.shouting"), posting_rate: () => t("mod.posting_fast"), new_identity: () => t("mod.new_author"),
};
const HOLD = [["none", () => t("mod.hold_none"), () => t("mod.saved_none")],
              ["anonymous", () => t("mod.hold_anonymous"), () => t("mod.saved_anonymous")],
              ["all", () => t("mod.hold_all"), () => t("mod.saved_all")]];
const SHORTCUTS = [["j", "↓", () => t("mod.next")], ["k", "↑", () => t("mod.previous")], ["a", null, () => t("mod.approve_key")],
                   ["r", null, () => t("mod.reject_key")], ["b", null, () => t("mod.ban_key")]];

function setting({ state, ok, fail }) {
  const app = state.apps.find((a) => a.id === state.app);
  const select = h("select", { id: "mod-setting", onchange: async () => {
    try {
      const saved = await state.api.patch(`/apps/${state.app}`, { moderation: select.value });
      Object.assign(app, saved);
      ok(HOLD.find(([v]) => v === saved.moderation)[2]());
    } catch (error) { fail(error); }
  } }, ...HOLD.map(([value, label]) => h("option", { value, selected: app?.moderation === value }, label())));
  return h("div", { style: "max-width:360px" }, h("label", { for: "mod-setting" }, t("mod.hold")), select);
}

function shortcuts() {
  return h("p", { class: "muted shortcuts", id: "mod-keys" }, t("mod.keyboard"), " ",
    ...SHORTCUTS.flatMap(([key, alt, what], i) => [i ? " · " : "", h("kbd", {}, key),
      alt ? ["/", h("kbd", {}, alt)] : "", ` ${what()}`]));
}

const LONG = 400;  // characters; a longer post shows its first lines until "Show all"

function fullText(text, kind = "mod-text") {
  const p = h("p", { class: kind, dir: "auto" }, text);
  if (text.length <= LONG && text.split("\n").length <= 6) return p;
  p.classList.add("clamped");
  const more = h("button", { type: "button", class: "small show-all", onclick: () => {
    p.classList.remove("clamped");
    more.remove();
  } }, t("mod.show_all"));
  return [p, more];
}

function row(item, act) {
  const spam = item.spamScore >= SPAM_AT;
  const text = item.kind === "request" ? item.title : item.body;
  return h("li", { class: `card mod-item${spam ? " spam" : ""}`, "data-id": item.id, role: "option",
                   "aria-selected": "false", tabindex: "-1" },
    h("div", { class: "meta" },
      h("span", { class: "badge" }, item.kind === "request" ? t("console.request") : t("board.comment")),
      h("span", { class: `score${spam ? " high" : ""}`, title: t("mod.spam_title") },
        t("mod.spam", { score: Math.round(item.spamScore * 100) })),
      ...item.spamReasons.map((r) => h("span", { class: "reason" }, REASONS[r]?.() || r)),
      h("span", {}, t("board.by", { name: item.author.name || item.author.id }))),
    fullText(text),
    item.kind === "comment" ? h("p", { class: "muted", dir: "auto" }, t("mod.on", { title: item.requestTitle }))
      : item.body ? fullText(item.body, "muted mod-body") : null,
    h("div", { class: "row" },
      h("button", { type: "button", class: "primary", onclick: () => act(item, "approve") }, t("mod.approve")),
      h("button", { type: "button", onclick: () => act(item, "reject") }, t("mod.reject")),
      h("button", { type: "button", class: "danger", onclick: () => act(item, "ban") }, t("mod.ban"))));
}

export async function showModeration({ state, view, appPicker, ok, fail, can }) {
  const list = h("ul", { class: "list mod-queue", id: "mod-queue", role: "listbox", tabindex: "0",
                         "aria-label": t("comment.awaiting") });
  const status = h("p", { id: "mod-count", class: "muted", "aria-live": "polite" });
  let items = [], at = 0, cursor = null, armed = null;

  // scroll: a move from the keyboard brings the post into view; a page (re)drawn does not, so
  // the header and the settings above the queue stay where the moderator left them
  const select = (index, scroll = true) => {
    at = Math.max(0, Math.min(index, items.length - 1));
    list.querySelectorAll("li").forEach((li, i) => li.setAttribute("aria-selected", String(i === at)));
    const current = list.children[at];
    if (current && scroll) current.scrollIntoView({ block: "nearest" });
  };
  const render = () => {
    status.textContent = items.length ? t(cursor ? "mod.waiting_more" : "mod.waiting", { count: items.length })
                                      : t("mod.nothing");
    list.replaceChildren(...items.map((item) => row(item, act)));
    list.hidden = !items.length;
    select(at, false);
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
          return ok(t("mod.ban_confirm", { name: item.author.name || item.author.id }));
        }
        await state.api.put(`/apps/${state.app}/users/${encodeURIComponent(item.author.id)}/ban`,
                            { reason: "from the moderation queue" });
        armed = null;
        action = "reject";  // a banned author's post goes with the ban
        ok(t("mod.banned", { name: item.author.name || item.author.id }));
      }
      await state.api.post(`${path(item)}/${action}`);
      items = items.filter((i) => i !== item);
      if (action !== "reject" || !armed) ok(t(action === "approve" ? "mod.approved" : "mod.rejected", { text: item.title || item.body }).slice(0, 120));
      if (!items.length && cursor) return load();
      render();
      list.focus({ preventScroll: true });
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
  fill(view, h("h2", {}, t("console.tab_moderation")), appPicker(() => showModeration({ state, view, appPicker, ok, fail, can })),
    can("admin") ? setting({ state, ok, fail }) : null, shortcuts(), status, list);
  await load();
  list.focus({ preventScroll: true });
}
