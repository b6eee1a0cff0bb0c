// The public board of one app: list, vote, read, comment, suggest, roadmap.
import { anonymousId, client, describe, loadConfig } from "../js/api.js";
import { ago, announce, h, plural, statusBadge, STATUS_LABELS, when } from "../js/ui.js";
import { showChangelog } from "./changelog.js";

const view = document.getElementById("view");
const messages = document.getElementById("messages");
const state = { api: null, app: null, sort: "top", status: "", tag: "", q: "", tags: null, notice: null };

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
    "aria-label": `${request.voted ? "Remove your vote for" : "Vote for"} ${request.title}, ${plural(request.votes, "vote")}`,
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

function authorName(person) {
  return person?.name || "Anonymous";
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
        h("h3", {}, h("a", { href: `#/r/${current.id}` }, current.title)),
        current.description ? h("p", { class: "excerpt" }, excerpt(current.description)) : null,
        h("div", { class: "meta" }, statusBadge(current.status),
          ...current.tags.map((t) => h("span", { class: "tag" }, t)),
          h("span", {}, authorName(current.author)),
          h("time", { datetime: current.createdAt, title: when(current.createdAt) }, ago(current.createdAt)),
          h("span", {}, plural(current.commentCount, "comment")))));
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

async function showList() {
  const rerun = () => showList();
  const sort = h("select", { id: "sort", onchange: (e) => { state.sort = e.target.value; rerun(); } },
    h("option", { value: "top", selected: state.sort === "top" }, "Most votes"),
    h("option", { value: "new", selected: state.sort === "new" }, "Newest"));
  const status = h("select", { id: "status", onchange: (e) => { state.status = e.target.value; rerun(); } },
    h("option", { value: "" }, "Any status"),
    ...Object.entries(STATUS_LABELS).map(([value, label]) =>
      h("option", { value, selected: state.status === value }, label)));
  const tag = h("select", { id: "tag", onchange: (e) => { state.tag = e.target.value; rerun(); } },
    h("option", { value: "" }, "Any tag"),
    ...(state.tag ? [h("option", { value: state.tag, selected: true }, state.tag)] : []));
  const list = h("ul", { class: "list", id: "requests", "aria-labelledby": "list-title" });
  const more = h("button", { type: "button", id: "more", hidden: true }, "Load more");
  const search = h("input", { id: "search", type: "search", value: state.q, autocomplete: "off",
                              placeholder: "Search requests…", maxlength: 100 });
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
    h("div", { class: "search", role: "search" }, h("label", { for: "search" }, "Search"), search),
    h("div", { class: "filters" },
      h("div", {}, h("label", { for: "sort" }, "Sort"), sort),
      h("div", {}, h("label", { for: "status" }, "Status"), status),
      h("div", {}, h("label", { for: "tag" }, "Tag"), tag)),
    h("h2", { class: "sr-only", id: "list-title" }, "Feature requests"),
    list, h("div", { class: "row", style: "justify-content:center;margin-top:16px" }, more));
  appTags().then((tags) => {
    tag.replaceChildren(h("option", { value: "" }, "Any tag"),
      ...tags.map((t) => h("option", { value: t, selected: state.tag === t }, t)));
  });

  let cursor = null;
  let loading = false;
  let done = false;  // the last page is in: nothing more to load, ever
  const filtered = () => Boolean(state.status || state.tag || state.q);
  const load = async () => {
    if (loading || done) return;
    loading = true;
    more.disabled = true;
    try {
      const page = await state.api.get(`/apps/${state.app}/requests`, {
        sort: state.sort, status: state.status, tag: state.tag, q: state.q, limit: 20, cursor });
      // a merged request lives on in its target: the board lists it only when asked for
      for (const request of page.items) {
        if (request.status !== "duplicate" || state.status === "duplicate") list.append(requestItem(request));
      }
      cursor = page.nextCursor;
      done = !cursor;
      if (!list.children.length) {
        list.append(filtered()
          ? h("li", { class: "card empty" }, "No requests match these filters. ",
              h("a", { href: "#/", onclick: (e) => {
                e.preventDefault();
                Object.assign(state, { status: "", tag: "", q: "" });
                showList();
              } }, "Clear the filters"), ".")
          : h("li", { class: "card empty" }, "No requests yet. ", h("a", { href: "#/new" }, "Be the first to suggest one!")));
      }
      more.hidden = done;
    } catch (error) {
      fail(error);
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
  view.replaceChildren(h("p", { class: "muted" }, "Loading…"));
  let request;
  try {
    request = await state.api.get(`/apps/${state.app}/requests/${id}`);
  } catch (error) {
    view.replaceChildren(h("p", {}, h("a", { href: "#/" }, "← All requests")));
    return fail(error);
  }
  const comments = h("ol", { class: "list", id: "comments", "aria-label": "Comments" });
  const body = h("textarea", { id: "comment-body", required: true, maxlength: 5000 });
  const header = h("div", { class: "request" });
  const renderHeader = (current) => header.replaceChildren(voteButton(current, renderHeader),
    h("div", { class: "body" }, h("h2", { style: "margin:0 0 6px", id: "request-title" }, current.title),
      h("div", { class: "meta" }, statusBadge(current.status),
        h("span", {}, `by ${authorName(current.author)} · `,
          h("time", { datetime: current.createdAt, title: when(current.createdAt) }, ago(current.createdAt))))));
  renderHeader(request);
  const merged = request.status === "duplicate" && request.duplicateOf;
  const target = merged ? h("a", { href: `#/r/${request.duplicateOf}`, id: "merged-into" }, "the request it was merged into") : null;
  const form = merged
    ? h("p", { class: "card muted", id: "comments-closed" }, "Comments are closed here: continue the conversation on ",
        h("a", { href: `#/r/${request.duplicateOf}` }, "the request it was merged into"), ".")
    : h("form", { class: "card stack", onsubmit: async (event) => {
        event.preventDefault();
        try {
          const made = await state.api.post(`/apps/${state.app}/requests/${id}/comments`, { body: body.value });
          comments.append(commentItem(made));
          body.value = "";
          announce(messages, "Your comment was added.");
        } catch (error) { fail(error); }
      } }, h("label", { for: "comment-body" }, "Add a comment"), body,
        h("button", { class: "primary", type: "submit" }, "Comment"));
  view.replaceChildren(h("p", {}, h("a", { href: "#/" }, "← All requests")),
    h("article", { class: "card stack" }, header,
      request.description ? h("p", { class: "text" }, request.description) : null,
      merged ? h("p", { class: "notice", id: "merged-note" }, "Merged into ", target, ": its votes moved there.") : null,
      request.response ? h("div", { class: "response" }, h("strong", {}, "Team response"),
        h("p", { class: "text", style: "margin:4px 0 0" }, request.response)) : null),
    h("section", { class: "stack", style: "margin-top:20px", "aria-labelledby": "comments-title" },
      h("h2", { id: "comments-title", style: "font-size:1.05rem" }, "Comments"), comments, form));
  if (merged) {  // name the target in both places once it is read
    const links = [target, form.querySelector("a")];
    state.api.get(`/apps/${state.app}/requests/${request.duplicateOf}`)
      .then((into) => links.forEach((a) => { a.textContent = `“${into.title}”`; })).catch(() => {});
  }
  try {
    let cursor = null;
    do {
      const page = await state.api.get(`/apps/${state.app}/requests/${id}/comments`, { limit: 100, cursor });
      page.items.forEach((c) => comments.append(commentItem(c)));
      cursor = page.nextCursor;
    } while (cursor);
  } catch (error) { fail(error); }
}

function commentItem(comment) {
  return h("li", { class: "card" }, h("div", { class: "meta" }, h("strong", {}, authorName(comment.author)),
    h("time", { datetime: comment.createdAt, title: when(comment.createdAt) }, ago(comment.createdAt))), h("p", { class: "text", style: "margin:4px 0 0" }, comment.body));
}

function showNew() {
  const title = h("input", { id: "new-title", required: true, maxlength: 120, autocomplete: "off" });
  const description = h("textarea", { id: "new-description", maxlength: 5000 });
  const similar = h("div", { id: "similar", hidden: true, "aria-live": "polite" });
  let timer = null;
  let similarWorks = true;
  title.addEventListener("input", () => {
    clearTimeout(timer);
    if (!similarWorks || title.value.trim().length < 3) { similar.hidden = true; return; }
    timer = setTimeout(async () => {
      try {
        const found = await state.api.get(`/apps/${state.app}/requests/similar`, { q: title.value.trim() });
        const items = (found.items || found || []).slice(0, 5);
        similar.hidden = !items.length;
        similar.replaceChildren(h("p", { style: "margin:0 0 6px" }, h("strong", {}, "Did you mean…")),
          h("ul", {}, ...items.map((s) => h("li", {}, h("a", { href: `#/r/${s.id}` }, s.title), ` · ${plural(s.votes, "vote")}`))));
      } catch {
        similarWorks = false;  // the server has no "did you mean" yet: stay out of the way
        similar.hidden = true;
      }
    }, 250);
  });
  view.replaceChildren(h("h2", {}, "Suggest a feature"), h("form", { class: "card stack", onsubmit: async (event) => {
    event.preventDefault();
    try {
      const made = await state.api.post(`/apps/${state.app}/requests`, {
        title: title.value, description: description.value },
        { "Idempotency-Key": crypto.randomUUID() });
      state.notice = "Thank you! Your request was posted.";  // shown once the page below opens
      state.tags = null;  // it may have brought a new tag
      location.hash = `#/r/${made.id}`;
    } catch (error) { fail(error); }
  } }, h("div", {}, h("label", { for: "new-title" }, "Title"), title), similar,
    h("div", {}, h("label", { for: "new-description" }, "Details (optional)"), description),
    h("button", { class: "primary", type: "submit" }, "Post request")));
  title.focus();
}

async function showRoadmap() {
  const columns = ["planned", "in_progress", "completed"];
  const lists = Object.fromEntries(columns.map((s) => [s, h("ul", { class: "list" })]));
  view.replaceChildren(h("div", { class: "roadmap" }, ...columns.map((s) =>
    h("section", { "aria-labelledby": `col-${s}` }, h("h2", { id: `col-${s}` }, STATUS_LABELS[s]), lists[s]))));
  await Promise.all(columns.map(async (status) => {
    try {
      const page = await state.api.get(`/apps/${state.app}/requests`, { status, sort: "top", limit: 50 });
      for (const r of page.items) {
        lists[status].append(h("li", { class: "card" }, h("a", { href: `#/r/${r.id}` }, r.title),
          h("div", { class: "meta" }, plural(r.votes, "vote"))));
      }
      if (!page.items.length) lists[status].append(h("li", { class: "muted" }, "Nothing here yet."));
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
if (!config.api || !config.key || !config.app) {
  announce(messages, "This board needs ?api=…&key=fr_pub_… in its address.", "alert");
} else {
  state.app = config.app;
  state.api = client({ api: config.api, key: config.key, token: token(), anonymous: anonymousId() });
  window.addEventListener("hashchange", route);
  route();
}
