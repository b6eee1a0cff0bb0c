// The public board of one app: list, vote, read, comment, suggest, roadmap.
import { anonymousId, client, describe, loadConfig, OBVIOUS } from "../js/api.js";
import { ago, announce, h, statusBadge, STATUS_LABELS, STATUSES, useStatuses, when } from "../js/ui.js";
import { languageSwitcher, pickLanguage, t, translatePage, useLanguage } from "../js/i18n.js";
import { applyAccent, brandHeader } from "../js/brand.js";
import { showChangelog } from "./changelog.js";
import { commentItem, commentPaths, EDIT_WINDOW_MS } from "../js/comments.js";

const view = document.getElementById("view");
const messages = document.getElementById("messages");
const state = { api: null, app: null, sort: "top", status: "", tag: "", q: "", mine: false, tags: null, notice: null,
                board: sessionStorage.getItem("fb-board") || "general", boards: [] };
const RANKED = {  // what an empty ranked list means
  trending: () => t("board.empty_trending"),
  discussed: () => t("board.empty_discussed"),
};
const SORTS = { top: () => t("board.sort_top"), trending: () => t("board.sort_trending"),
                new: () => t("board.sort_new"), discussed: () => t("board.sort_discussed") };

function token() {
  const params = new URLSearchParams(location.search);
  if (params.get("token")) {  // handed in by the host app; kept for this tab only
    sessionStorage.setItem("fb-token", params.get("token"));
    params.delete("token");
    history.replaceState(null, "", `${location.pathname}${params.size ? `?${params}` : ""}${location.hash}`);
  }
  return sessionStorage.getItem("fb-token");
}

function fail(error) {
  announce(messages, describe(error), "alert");
}

function voteButton(request, onChange) {
  const button = h("button", {
    class: "vote", type: "button", "aria-pressed": String(request.voted),
    "aria-label": t(request.voted ? "board.unvote_label" : "board.vote_label", { title: request.title, count: request.votes }),
  }, h("span", { "aria-hidden": "true" }, "▲"), h("span", { class: "count" }, request.votes));
  if (request.status === "duplicate") button.disabled = true;
  button.addEventListener("click", async () => {
    const voted = !request.voted;
    const optimistic = { ...request, voted, votes: request.votes + (voted ? 1 : -1) };
    onChange(optimistic);  // instant feedback; put right if the server says otherwise
    try {
      const path = `/apps/${state.app}/requests/${request.id}/vote`;
      onChange(voted ? await state.api.post(path) : await state.api.del(path));
    } catch (error) {
      onChange(request);
      fail(error);
    }
  });
  return button;
}

function backLink() {
  return h("a", { href: "#/" }, h("span", { class: "flip", "aria-hidden": "true" }, "←"), " ", t("board.all_requests"));
}

function authorName(person) {
  return person?.name || t("common.anonymous");
}

function excerpt(text, length = 160) {
  const flat = (text || "").replace(/\s+/g, " ").trim();
  return flat.length > length ? `${flat.slice(0, length - 1)}…` : flat;
}

function requestItem(request) {
  const li = h("li", { class: "card request" });
  const render = (current) => {
    li.replaceChildren(
      voteButton(current, render),
      h("div", { class: "body" },
        h("h3", {}, h("a", { href: `#/r/${current.id}`, dir: "auto" }, current.title)),
        current.description ? h("p", { class: "excerpt", dir: "auto" }, excerpt(current.description)) : null,
        h("div", { class: "meta" }, statusBadge(current.status),
          ...current.tags.map((t) => h("span", { class: "tag" }, t)),
          h("span", {}, authorName(current.author)),
          h("time", { datetime: current.createdAt, title: when(current.createdAt) }, ago(current.createdAt)),
          h("span", {}, t("board.comments_count", { count: current.commentCount })))));
  };
  render(request);
  return li;
}

async function appTags() {
  if (!state.tags) {
    try {
      state.tags = (await state.api.get(`/apps/${state.app}/tags`)).items.map((t) => t.tag).sort();
    } catch {
      return [];  // the filter still works without its list
    }
  }
  return state.tags;
}

function emptyState() {
  const empty = (...text) => h("li", { class: "card empty" }, ...text);
  const clear = h("a", { href: "#/", onclick: (e) => {
    e.preventDefault();
    Object.assign(state, { status: "", tag: "", q: "", mine: false });
    showList();
  } }, t("board.clear_filters"));
  if (state.q) {
    const clearSearch = h("a", { href: "#/", id: "clear-search", onclick: (e) => {
      e.preventDefault();
      state.q = "";
      showList();
    } }, t("board.clear_search"));
    const others = state.status || state.tag ? [t("board.or"), clear] : [];
    return empty(t(state.status || state.tag ? "board.no_match_filtered" : "board.no_match", { q: state.q }), " ",
      clearSearch, ...others, t("board.sentence_end"));
  }
  if (state.status || state.tag) return empty(t("board.no_filtered"), " ", clear, t("board.sentence_end"));
  if (state.mine) return empty(t("board.no_votes_yet"));
  if (RANKED[state.sort]) return empty(RANKED[state.sort]());
  return empty(t("board.no_requests"), " ", h("a", { href: "#/new" }, t("board.be_first")));
}

/** The boards this visitor may see, as a row of buttons: a list to spread, empty when there
 * is only one board (replaceChildren would write a bare null as text). */
function boardSwitcher(onChange) {
  if (state.boards.length < 2) return [];
  return [h("nav", { class: "boards", "aria-label": t("board.boards"), id: "boards" }, ...state.boards.map((b) =>
    h("button", { type: "button", "aria-pressed": String(b.id === state.board), title: b.description || null,
                  "data-board": b.id, onclick: () => {
      state.board = b.id;
      sessionStorage.setItem("fb-board", b.id);
      Object.assign(state, { status: "", tag: "" });
      onChange();
    } }, b.name)))];
}

async function loadWorkflow() {
  const [statuses, boards] = await Promise.all([
    state.api.get(`/apps/${state.app}/statuses`).catch(() => null),
    state.api.get(`/apps/${state.app}/boards`).catch(() => ({ items: [] })),
  ]);
  if (statuses) useStatuses(statuses.items);
  state.boards = boards.items;
  if (!state.boards.some((b) => b.id === state.board)) state.board = "general";
}

async function showList() {
  const rerun = () => showList();
  const sort = h("select", { id: "sort", disabled: state.mine, onchange: (e) => { state.sort = e.target.value; rerun(); } },
    ...Object.entries(SORTS).map(([value, label]) =>
      h("option", { value, selected: (state.mine ? "new" : state.sort) === value }, label())));
  const show = h("select", { id: "show", onchange: (e) => { state.mine = e.target.value === "mine"; rerun(); } },
    h("option", { value: "all" }, t("board.show_all")),
    h("option", { value: "mine", selected: state.mine }, t("board.my_votes")));
  const status = h("select", { id: "status", onchange: (e) => { state.status = e.target.value; rerun(); } },
    h("option", { value: "" }, t("board.any_status")),
    ...Object.entries(STATUS_LABELS).map(([value, label]) =>
      h("option", { value, selected: state.status === value }, label)));
  const tag = h("select", { id: "tag", onchange: (e) => { state.tag = e.target.value; rerun(); } },
    h("option", { value: "" }, t("board.any_tag")),
    ...(state.tag ? [h("option", { value: state.tag, selected: true }, state.tag)] : []));
  const list = h("ul", { class: "list", id: "requests", "aria-labelledby": "list-title" });
  const more = h("button", { type: "button", id: "more", hidden: true }, t("board.load_more"));
  const search = h("input", { id: "search", type: "search", value: state.q, autocomplete: "off",
                              placeholder: t("board.search_placeholder"), maxlength: 100 });
  let typing = null;
  search.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(async () => {
      const q = search.value.trim();
      if (q === state.q || q.length === 1) return;  // the API searches from 2 characters
      state.q = q;
      await showList();
      const again = document.getElementById("search");
      again.focus();
      again.setSelectionRange(again.value.length, again.value.length);
    }, 300);
  });
  view.replaceChildren(
    ...boardSwitcher(rerun),
    h("div", { class: "search", role: "search" }, h("label", { for: "search" }, t("board.search")), search),
    h("div", { class: "filters" },
      h("div", {}, h("label", { for: "sort" }, t("board.sort")), sort),
      h("div", {}, h("label", { for: "status" }, t("board.status")), status),
      h("div", {}, h("label", { for: "tag" }, t("board.tag")), tag),
      h("div", {}, h("label", { for: "show" }, t("board.show")), show)),
    h("h2", { class: "sr-only", id: "list-title" }, t("board.title")),
    list, h("div", { class: "row", style: "justify-content:center;margin-top:16px" }, more));
  appTags().then((tags) => {
    tag.replaceChildren(h("option", { value: "" }, t("board.any_tag")),
      ...tags.map((t) => h("option", { value: t, selected: state.tag === t }, t)));
  });

  let cursor = null;
  let loading = false;
  let done = false;  // the last page is in: nothing more to load, ever
  const load = async () => {
    if (loading || done) return;
    loading = true;
    more.disabled = true;
    try {
      const page = await state.api.get(`/apps/${state.app}/requests`, {
        sort: state.mine ? "new" : state.sort, status: state.status, tag: state.tag, q: state.q,
        voted: state.mine || "", board: state.board, limit: 20, cursor });
      // a merged request lives on in its target: the board lists it only when asked for
      for (const request of page.items) {
        if (request.status !== "duplicate" || state.status === "duplicate") list.append(requestItem(request));
      }
      cursor = page.nextCursor;
      done = !cursor;
      if (done && !list.children.length) list.append(emptyState());
      more.hidden = done;
    } catch (error) {
      done = true;
      if (state.mine && error.status === 401) {
        list.replaceChildren(h("li", { class: "card empty" }, t("board.sign_in_for_votes")));
      } else fail(error);
      more.hidden = true;
    } finally {
      loading = false;
      more.disabled = false;
    }
  };
  more.addEventListener("click", load);
  new IntersectionObserver((entries) => {  // infinite scroll; the button stays for keyboards
    if (entries.some((e) => e.isIntersecting) && !done) load();
  }).observe(more);
  await load();
}

async function showRequest(id) {
  view.replaceChildren(h("p", { class: "muted" }, t("common.loading")));
  let request;
  try {
    request = await state.api.get(`/apps/${state.app}/requests/${id}`);
  } catch (error) {
    view.replaceChildren(h("p", {}, backLink()));
    return fail(error);
  }
  const comments = h("ol", { class: "list", id: "comments", "aria-label": t("board.comments") });
  const body = h("textarea", { id: "comment-body", required: true, maxlength: 5000 });
  const header = h("div", { class: "request" });
  const pending = request.moderation === "pending";  // its author's (and the team's) alone for now
  const follow = state.signedIn && request.status !== "duplicate" && !pending ? followButton(id) : null;
  const renderHeader = (current) => header.replaceChildren(...(pending ? [] : [voteButton(current, renderHeader)]),
    h("div", { class: "body" }, h("h2", { style: "margin:0 0 6px", id: "request-title", dir: "auto" }, current.title),
      h("div", { class: "meta" }, statusBadge(current.status),
        h("span", {}, t("board.by", { name: authorName(current.author) }), " · ",
          h("time", { datetime: current.createdAt, title: when(current.createdAt) }, ago(current.createdAt)))), follow));
  renderHeader(request);
  const merged = request.status === "duplicate";
  const into = request.duplicateOf;  // null: merged into a request this visitor may not see
  const target = into ? h("a", { href: `#/r/${into}`, id: "merged-into" }, t("board.merged_target")) : null;
  const form = pending ? h("p", { class: "card muted", id: "comments-closed" }, t("board.pending_closed"))
    : merged && !into ? h("p", { class: "card muted", id: "comments-closed" }, t("board.comments_closed_elsewhere"))
    : merged
    ? h("p", { class: "card muted", id: "comments-closed" }, t("board.comments_closed"), " ",
        h("a", { href: `#/r/${into}` }, t("board.merged_target")), t("board.sentence_end"))
    : h("form", { class: "card stack", onsubmit: async (event) => {
        event.preventDefault();
        try {
          const made = await state.api.post(`/apps/${state.app}/requests/${id}/comments`, { body: body.value });
          comments.append(boardComment(id, made));
          body.value = "";
          announce(messages, t(made.moderation === "pending" ? "board.comment_pending" : "board.comment_added"));
        } catch (error) { fail(error); }
      } }, h("label", { for: "comment-body" }, t("board.add_comment")), body,
        h("button", { class: "primary", type: "submit" }, t("board.comment")));
  view.replaceChildren(h("p", {}, backLink()),
    h("article", { class: "card stack" }, header,
      pending ? h("p", { class: "notice pending-note", id: "pending-note", role: "status" },
        h("strong", {}, t("comment.awaiting")), " ", t("board.pending_note")) : null,
      request.description ? h("p", { class: "text", dir: "auto" }, request.description) : null,
      merged ? h("p", { class: "notice", id: "merged-note" },
        ...(into ? [t("board.merged_into"), " ", target, t("board.merged_votes")] : [t("board.merged_elsewhere")])) : null,
      request.response ? h("div", { class: "response" }, h("strong", {}, t("board.team_response")),
        h("p", { class: "text", style: "margin:4px 0 0", dir: "auto" }, request.response)) : null),
    h("section", { class: "stack", style: "margin-top:20px", "aria-labelledby": "comments-title" },
      h("h2", { id: "comments-title", style: "font-size:1.05rem" }, t("board.comments")), comments, form));
  if (into) {  // name the target in both places once it is read
    const links = [target, form.querySelector("a")];
    state.api.get(`/apps/${state.app}/requests/${into}`)
      .then((into) => links.forEach((a) => { a.textContent = t("common.quoted", { text: into.title }); })).catch(() => {});
  }
  if (pending) return;  // nothing is said on it until it is approved
  try {
    let cursor = null;
    do {
      const page = await state.api.get(`/apps/${state.app}/requests/${id}/comments`, { limit: 100, cursor });
      page.items.forEach((c) => comments.append(boardComment(id, c)));
      cursor = page.nextCursor;
    } while (cursor);
  } catch (error) { fail(error); }
}

/** Follow or stop following: emails on status changes, the team's answer and new comments. */
function followButton(id) {
  const path = `/apps/${state.app}/requests/${id}/subscription`;
  const button = h("button", { type: "button", id: "follow", class: "follow small", "aria-pressed": "false", hidden: true });
  const render = (on) => {
    button.setAttribute("aria-pressed", String(on));
    button.textContent = t(on ? "board.following" : "board.follow");
    button.title = t(on ? "board.following_title" : "board.follow_title");
    button.hidden = false;
  };
  state.api.get(path).then((s) => render(s.subscribed)).catch(() => {});
  button.addEventListener("click", async () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.disabled = true;
    try {
      render((on ? await state.api.put(path) : await state.api.del(path)).subscribed);
      announce(messages, t(on ? "board.followed" : "board.unfollowed"));
    } catch (error) { fail(error); } finally { button.disabled = false; }
  });
  return button;
}

/** A comment with reactions; its author may edit it for 15 minutes and delete it. */
function boardComment(requestId, comment) {
  const mine = (c) => Boolean(state.user) && c.author?.id === state.user;
  const held = comment.moderation === "pending";  // its author's alone: nothing to do on it yet
  return commentItem(comment, {
    paths: commentPaths(state.api, state.app, requestId, comment.id),
    canReact: !held,
    canEdit: (c) => !held && mine(c) && Date.now() - new Date(c.createdAt).getTime() < EDIT_WINDOW_MS,
    canDelete: !held && mine(comment),
    onError: fail,
    announce: (text) => announce(messages, text),
  });
}

/** Who the user token says the reader is (``sub``): only to offer Edit; the server decides. */
function tokenSubject(jwt) {
  try {
    const part = jwt.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    const bytes = Uint8Array.from(atob(part), (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)).sub || null;
  } catch {
    return null;
  }
}

async function voteInstead(match) {
  try {
    await state.api.post(`/apps/${state.app}/requests/${match.id}/vote`);
    state.notice = t("board.vote_went", { title: match.title });
    location.hash = `#/r/${match.id}`;
  } catch (error) { fail(error); }
}

function matchItem(match) {
  return h("li", {}, h("div", {}, h("a", { href: `#/r/${match.id}` }, match.title),
    h("div", { class: "meta" }, statusBadge(match.status), t("common.votes", { count: match.votes }))),
  h("button", { type: "button", class: "vote-instead", onclick: () => voteInstead(match) },
    t("board.vote_instead"), h("span", { class: "sr-only" }, `: ${match.title}`)));
}

function showNew() {
  const title = h("input", { id: "new-title", required: true, maxlength: 120, autocomplete: "off" });
  const description = h("textarea", { id: "new-description", maxlength: 5000 });
  const similar = h("div", { id: "similar", class: "matches", hidden: true, "aria-live": "polite" });
  const check = h("div", { id: "duplicate-check", class: "matches", hidden: true, role: "alert" });
  const submit = h("button", { class: "primary", type: "submit" }, t("board.post_request"));
  let timer = null;
  let typed = 0;
  let confirmed = null;  // the title the user chose to post although it reads like another
  const lookUp = async (q) => (await state.api.get(`/apps/${state.app}/requests/similar`, { q, board: state.board })).items;
  title.addEventListener("input", () => {
    clearTimeout(timer);
    check.hidden = true;
    submit.hidden = false;
    if (title.value.trim().length < 3) { similar.hidden = true; return; }
    const asked = ++typed;  // an answer that comes after a newer question (or a post) is dropped
    timer = setTimeout(async () => {
      try {
        const items = await lookUp(title.value.trim());
        if (asked !== typed) return;
        similar.hidden = !items.length;
        similar.replaceChildren(h("p", {}, h("strong", {}, t("board.already")), " ", t("board.already_hint")), h("ul", {}, ...items.map(matchItem)));
      } catch {
        similar.hidden = true;  // "did you mean" is a help, never in the way
      }
    }, 250);
  });
  const post = async () => {
    const made = await state.api.post(`/apps/${state.app}/requests`, {
      title: title.value, description: description.value, board: state.board },
      { "Idempotency-Key": crypto.randomUUID() });
    state.notice = made.moderation === "pending"  // shown once the page below opens
      ? t("board.posted_pending") : t("board.posted");
    state.tags = null;  // it may have brought a new tag
    location.hash = `#/r/${made.id}`;
  };
  const where = state.boards.find((b) => b.id === state.board);
  view.replaceChildren(h("h2", {}, state.boards.length > 1 && where ? t("board.suggest_on", { board: where.name }) : t("board.suggest")), h("form", { class: "card stack", onsubmit: async (event) => {
    event.preventDefault();
    clearTimeout(timer);
    typed += 1;
    try {
      const wanted = title.value.trim();
      const same = confirmed === wanted ? null
        : (await lookUp(wanted).catch(() => [])).find((m) => m.score >= OBVIOUS);
      if (!same) return await post();
      confirmed = wanted;  // asked once: a second "Post" posts
      similar.hidden = true;
      check.hidden = false;
      submit.hidden = true;  // the question's own buttons answer it
      check.replaceChildren(h("p", {}, h("strong", {}, t("board.same_idea", { title: same.title })),
        " ", t("board.same_idea_hint", { count: same.votes })),
        h("div", { class: "row" },
          h("button", { type: "button", class: "primary", onclick: () => voteInstead(same) }, t("board.vote_it_instead")),
          h("button", { type: "submit" }, t("board.post_anyway"))));
      check.querySelector("button").focus();
    } catch (error) { fail(error); }
  } }, h("div", {}, h("label", { for: "new-title" }, t("board.field_title")), title), similar,
    h("div", {}, h("label", { for: "new-description" }, t("board.field_details")), description), check, submit));
  title.focus();
}

async function showRoadmap() {
  const columns = STATUSES.filter((s) => s.roadmap).map((s) => s.id);
  const lists = Object.fromEntries(columns.map((s) => [s, h("ul", { class: "list" })]));
  view.replaceChildren(...boardSwitcher(showRoadmap), h("div", { class: "roadmap" }, ...columns.map((s) =>
    h("section", { "aria-labelledby": `col-${s}` }, h("h2", { id: `col-${s}` }, statusBadge(s)), lists[s]))));
  await Promise.all(columns.map(async (status) => {
    try {
      const page = await state.api.get(`/apps/${state.app}/requests`, { status, sort: "top", limit: 50, board: state.board });
      for (const r of page.items) {
        lists[status].append(h("li", { class: "card" }, h("a", { href: `#/r/${r.id}` }, r.title),
          h("div", { class: "meta" }, t("common.votes", { count: r.votes }))));
      }
      if (!page.items.length) lists[status].append(h("li", { class: "muted" }, t("board.nothing_here")));
    } catch (error) { fail(error); }
  }));
}

function route() {
  messages.replaceChildren();
  if (state.notice) {
    announce(messages, state.notice);
    state.notice = null;
  }
  const hash = location.hash || "#/";
  const tab = hash.startsWith("#/roadmap") ? "roadmap" : hash.startsWith("#/new") ? "new"
    : hash.startsWith("#/changelog") ? "changelog" : "list";
  document.querySelectorAll("nav.tabs a").forEach((a) => {
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  });
  if (hash.startsWith("#/r/")) return showRequest(hash.slice(4));
  if (tab === "roadmap") return showRoadmap();
  if (tab === "changelog") return showChangelog({ state, view, fail, config }, hash.slice(12));
  if (tab === "new") return showNew();
  return showList();
}

const config = await loadConfig(new URL("../", import.meta.url));
await useLanguage(pickLanguage(config.lang));
translatePage();
document.title = t("board.title");
document.getElementById("board-title").after(languageSwitcher(h));
if (!config.api || !config.key || !config.app) {
  announce(messages, t("board.needs_config"), "alert");
} else {
  state.app = config.app;
  const user = token();
  state.signedIn = Boolean(user);
  state.user = user ? tokenSubject(user) : null;
  state.api = client({ api: config.api, key: config.key, token: user, anonymous: anonymousId() });
  window.addEventListener("hashchange", route);
  await loadWorkflow();
  route();
  showBrand();
}

/** The app's name, logo and accent colour (its branding), once they arrive. */
async function showBrand() {
  try {
    const { branding } = await state.api.get(`/apps/${state.app}/public`);
    const title = document.getElementById("board-title");
    brandHeader(title, branding, title.textContent);
    if (branding.name) document.title = t("board.branded_title", { name: branding.name });
    applyAccent(document.documentElement, branding.accentColor);
  } catch {
    // the board works unbranded
  }
}
