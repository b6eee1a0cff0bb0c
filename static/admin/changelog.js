// The console's changelog: drafts written in Markdown with a live preview rendered by the
// server (the same sanitiser as publishing), linked requests, save, publish, delete.
import { h, when } from "../js/ui.js";
import { entryArticle, richText } from "../js/changelog.js";
import { t } from "../js/i18n.js";

const PREVIEW_DELAY_MS = 400;

async function requestOptions(api, app) {
  const page = await api.get(`/apps/${app}/requests`, { sort: "top", limit: 100 });
  return page.items.filter((r) => r.status !== "duplicate");
}

function editor({ state, ok, fail, reload }, requests, entry = null) {
  const title = h("input", { id: "cl-title", maxlength: 120, required: true, value: entry?.title || "" });
  const body = h("textarea", { id: "cl-body", maxlength: 20000, required: true });
  body.value = entry?.body || "";
  const linked = new Set(entry?.requestIds || []);
  const picker = h("select", { id: "cl-requests", multiple: true, size: Math.min(6, Math.max(2, requests.length)) },
    ...requests.map((r) => h("option", { value: r.id, selected: linked.has(r.id) }, `${r.title} (${r.votes})`)));
  const complete = h("input", { id: "cl-complete", type: "checkbox", checked: entry?.completeLinked || false });
  const preview = h("div", { class: "card rich-preview", id: "cl-preview", "aria-live": "polite" },
    entry ? richText(entry.html) : h("p", { class: "muted" }, t("cl.preview_here")));
  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!body.value.trim()) return preview.replaceChildren(h("p", { class: "muted" }, t("cl.preview_here")));
      try {
        const { html } = await state.api.post(`/apps/${state.app}/changelog/preview`, { body: body.value });
        preview.replaceChildren(richText(html));
      } catch (error) { fail(error); }
    }, PREVIEW_DELAY_MS);
  };
  body.addEventListener("input", refresh);
  const fields = () => ({ title: title.value, body: body.value, completeLinked: complete.checked,
                          requestIds: [...picker.selectedOptions].map((o) => o.value) });
  const save = async () => {
    const path = `/apps/${state.app}/changelog`;
    return entry ? state.api.patch(`${path}/${entry.id}`, fields()) : state.api.post(path, fields());
  };
  const act = (work, done) => async (event) => {
    event.preventDefault();
    try {
      const saved = await work();
      ok(done(saved));
      await reload();
    } catch (error) { fail(error); }
  };
  const publish = act(async () => {
    const saved = await save();
    return state.api.post(`/apps/${state.app}/changelog/${saved.id}/publish`);
  }, (e) => t("cl.published_one", { title: e.title }));
  return h("form", { class: "card stack", id: "cl-editor", onsubmit: act(save, (e) => t("cl.saved", { title: e.title })) },
    h("h3", {}, entry ? t("cl.edit", { title: entry.title }) : t("cl.new")),
    h("div", {}, h("label", { for: "cl-title" }, t("board.field_title")), title),
    h("div", { class: "editor" },
      h("div", {}, h("label", { for: "cl-body" }, t("cl.body")), body),
      h("div", {}, h("span", { class: "label" }, t("cl.preview")), preview)),
    h("div", {}, h("label", { for: "cl-requests" }, t("cl.requests")), picker),
    h("div", { class: "row" }, complete, h("label", { for: "cl-complete", style: "margin:0" }, t("cl.complete"))),
    h("div", { class: "row" },
      h("button", { class: "primary", type: "submit" }, t("cl.save_draft")),
      h("button", { type: "button", id: "cl-publish", onclick: publish }, t("cl.publish")),
      entry ? h("button", { type: "button", class: "danger", onclick: act(async () => {
        await state.api.del(`/apps/${state.app}/changelog/${entry.id}`);
        return entry;
      }, (e) => t("cl.deleted", { title: e.title })) }, t("cl.delete_draft")) : null));
}

export async function showChangelog({ state, view, appPicker, ok, fail }) {
  const body = h("div", { class: "stack" });
  const load = async (editing = null) => {
    try {
      const [drafts, published, requests] = await Promise.all([
        state.api.get(`/apps/${state.app}/changelog`, { status: "draft", limit: 50 }),
        state.api.get(`/apps/${state.app}/changelog`, { limit: 20 }),
        requestOptions(state.api, state.app),
      ]);
      const context = { state, ok, fail, reload: () => load() };
      body.replaceChildren(
        editor(context, requests, editing),
        h("h3", {}, t("cl.drafts")),
        drafts.items.length
          ? h("ul", { class: "list", id: "cl-drafts" }, ...drafts.items.map((d) => h("li", { class: "card row" },
            h("strong", { style: "margin-inline-end:auto" }, d.title), h("span", { class: "muted" }, t("cl.edited_on", { date: when(d.updatedAt) })),
            h("button", { type: "button", onclick: () => load(d) }, t("common.edit")))))
          : h("p", { class: "muted" }, t("cl.no_drafts")),
        h("h3", {}, t("cl.published")),
        published.items.length ? h("div", { class: "stack", id: "cl-published" }, ...published.items.map((e) => entryArticle(e)))
          : h("p", { class: "muted" }, t("cl.none_published")));
    } catch (error) { fail(error); }
  };
  view.replaceChildren(h("h2", {}, t("console.tab_changelog")), appPicker(() => load()), body);
  await load();
}
